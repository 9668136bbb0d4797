/** A Prometheus counter with labels, kept in memory and rendered in the text exposition format. */
export class CounterFamily {
  #values = new Map<string, { labels: Record<string, string>; value: number }>();

  constructor(readonly name: string, readonly help: string) {}

  add(labels: Record<string, string>, n = 1) {
    const key = JSON.stringify(labels);
    const entry = this.#values.get(key);
    if (entry) entry.value += n;
    else this.#values.set(key, { labels, value: n });
  }

  get(labels: Record<string, string>): number {
    return this.#values.get(JSON.stringify(labels))?.value ?? 0;
  }

  /** Drops every series whose labels include all of `labels` (a deleted object's). */
  forget(labels: Record<string, string>) {
    for (const [key, entry] of this.#values) {
      if (Object.entries(labels).every(([k, v]) => entry.labels[k] === v)) this.#values.delete(key);
    }
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.#values.values()) {
      lines.push(`${this.name}${labelText(labels)} ${value}`);
    }
    return lines.join("\n") + "\n";
  }
}

/** A gauge whose samples are computed when rendered. */
export function renderGauge(
  name: string,
  help: string,
  samples: { labels: Record<string, string>; value: number }[],
): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`];
  for (const s of samples) lines.push(`${name}${labelText(s.labels)} ${s.value}`);
  return lines.join("\n") + "\n";
}

function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) =>
    `${k}="${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`
  );
  return parts.length ? `{${parts.join(",")}}` : "";
}
