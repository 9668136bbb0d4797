/** `KEY=VALUE` flag values, and kn's `KEY-` to remove a key (`--annotation`, `--env`, `--filter`). */
import { UsageError } from "./cli_error.ts";

/** Splits `KEY=VALUE` at the first `=`; the value may be empty, the key may not. */
export function splitKeyValue(flag: string, entry: string): [string, string] {
  const eq = entry.indexOf("=");
  if (eq <= 0) throw new UsageError(`--${flag} "${entry}": want KEY=VALUE`);
  return [entry.slice(0, eq), entry.slice(eq + 1)];
}

export interface KeyEdits {
  set: [string, string][];
  remove: string[];
}

/** Reads `KEY=VALUE` (set) and `KEY-` (remove) entries. */
export function parseKeyEdits(flag: string, entries: string[]): KeyEdits {
  const edits: KeyEdits = { set: [], remove: [] };
  for (const entry of entries) {
    if (!entry.includes("=") && entry.endsWith("-") && entry.length > 1) {
      edits.remove.push(entry.slice(0, -1));
    } else edits.set.push(splitKeyValue(flag, entry));
  }
  return edits;
}

/** A copy of `record` with the edits applied; removals come after sets, as kn does. */
export function applyKeyEdits(
  record: Record<string, string> | undefined,
  edits: KeyEdits,
): Record<string, string> {
  const next = { ...record };
  for (const [k, v] of edits.set) next[k] = v;
  for (const k of edits.remove) delete next[k];
  return next;
}
