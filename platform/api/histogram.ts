/** A cumulative Prometheus histogram (each observation counted in its own bucket, summed when rendered). */
export class Histogram {
  /** Observations per bucket (not cumulative): one increment per observation. */
  #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(private readonly bounds: number[]) {
    this.#counts = bounds.map(() => 0);
  }

  observe(value: number) {
    this.#sum += value;
    this.#count++;
    for (let i = 0; i < this.bounds.length; i++) {
      if (value <= this.bounds[i]) {
        this.#counts[i]++;
        return;
      }
    }
  }

  render(name: string, labels: string): string[] {
    const sep = labels ? "," : "";
    let cumulative = 0;
    const out = this.bounds.map((b, i) =>
      `${name}_bucket{${labels}${sep}le="${b}"} ${cumulative += this.#counts[i]}`
    );
    out.push(`${name}_bucket{${labels}${sep}le="+Inf"} ${this.#count}`);
    out.push(`${name}_sum{${labels}} ${this.#sum}`, `${name}_count{${labels}} ${this.#count}`);
    return out;
  }
}
