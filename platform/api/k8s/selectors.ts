/**
 * Kubernetes list selectors: `labelSelector` (`a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`)
 * and `fieldSelector` (`metadata.name=x`, `metadata.namespace!=y`), parsed once into a predicate.
 */
import type { KObject } from "../../resources/meta.ts";

export type Selector = (obj: KObject) => boolean;

export class SelectorError extends Error {}

/** Splits on commas that are not inside parentheses. */
function terms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")") depth--;
    else if (text[i] === "," && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((t) => t.trim()).filter(Boolean);
}

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;

function checkKey(key: string): string {
  if (!KEY.test(key)) throw new SelectorError(`"${key}" is not a valid label key`);
  return key;
}

const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkValue(value: string): string {
  if (!VALUE.test(value) || value.length > 63) {
    throw new SelectorError(`"${value}" is not a valid label value`);
  }
  return value;
}

export function parseLabelSelector(text: string | undefined | null): Selector {
  if (!text?.trim()) return () => true;
  const tests = terms(text).map((term): (labels: Record<string, string>) => boolean => {
    let m = term.match(/^(\S+?)\s+(in|notin)\s+\((.*)\)$/);
    if (m) {
      const key = checkKey(m[1]);
      const values = new Set(m[3].split(",").map((v) => checkValue(v.trim())));
      return m[2] === "in"
        ? (l) => key in l && values.has(l[key])
        : (l) => !(key in l) || !values.has(l[key]);
    }
    m = term.match(/^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/);
    if (m) {
      const [key, op, value] = [checkKey(m[1]), m[2], checkValue(m[3])];
      return op === "!=" ? (l) => l[key] !== value : (l) => l[key] === value;
    }
    m = term.match(/^(!?)\s*([^!=\s()]+)$/);
    if (m) {
      const key = checkKey(m[2]);
      return m[1] ? (l) => !(key in l) : (l) => key in l;
    }
    throw new SelectorError(`cannot read the label selector term "${term}"`);
  });
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    return tests.every((t) => t(labels));
  };
}

const FIELDS: Record<string, (obj: KObject) => string> = {
  "metadata.name": (o) => o.metadata.name,
  "metadata.namespace": (o) => o.metadata.namespace,
};

export function parseFieldSelector(text: string | undefined | null): Selector {
  if (!text?.trim()) return () => true;
  const tests = terms(text).map((term): Selector => {
    const m = term.match(/^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw new SelectorError(`cannot read the field selector term "${term}"`);
    const field = FIELDS[m[1]];
    if (!field) {
      throw new SelectorError(`field label not supported: ${m[1]} (only ${Object.keys(FIELDS).join(", ")})`);
    }
    const value = m[3].trim();
    return m[2] === "!=" ? (o) => field(o) !== value : (o) => field(o) === value;
  });
  return (obj) => tests.every((t) => t(obj));
}
