/**
 * The part of Kubernetes JSONPath that printer columns use: `.a.b`, escaped dots (`.a\.b`),
 * `['key']`, `[0]` and filters `[?(@.type=='Ready')]`. Returns every value found.
 */

type Step = { key: string } | { index: number } | { filter: { field: string; value: string } };

export function parseJsonPath(path: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === ".") {
      i++;
      let key = "";
      while (i < path.length && path[i] !== "." && path[i] !== "[") {
        if (path[i] === "\\" && i + 1 < path.length) i++;
        key += path[i++];
      }
      if (key) steps.push({ key });
    } else if (path[i] === "[") {
      const end = path.indexOf("]", i);
      if (end < 0) throw new Error(`unclosed [ in ${path}`);
      const inner = path.slice(i + 1, end);
      i = end + 1;
      const filter = inner.match(/^\?\(@\.([\w.]+)\s*==\s*(['"])(.*)\2\)$/);
      if (filter) steps.push({ filter: { field: filter[1], value: filter[3] } });
      else if (/^\d+$/.test(inner)) steps.push({ index: Number(inner) });
      else if (/^(['"]).*\1$/.test(inner)) steps.push({ key: inner.slice(1, -1).replaceAll("\\.", ".") });
      else throw new Error(`unsupported JSONPath part [${inner}] in ${path}`);
    } else {
      throw new Error(`unexpected "${path[i]}" in JSONPath ${path}`);
    }
  }
  return steps;
}

export function evalJsonPath(obj: unknown, steps: Step[]): unknown[] {
  let current: unknown[] = [obj];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const node of current) {
      if ("key" in step) {
        if (isRecord(node) && node[step.key] !== undefined) next.push(node[step.key]);
      } else if ("index" in step) {
        if (Array.isArray(node) && node[step.index] !== undefined) next.push(node[step.index]);
      } else if (Array.isArray(node)) {
        for (const item of node) {
          if (isRecord(item) && String(item[step.filter.field]) === step.filter.value) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
