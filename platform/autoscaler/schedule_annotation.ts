/**
 * Reads the `autoscaling.denative.dev/schedule` annotation: a JSON array of windows, or the same list written
 * as a small YAML block sequence of flat mappings:
 *
 * ```yaml
 * - start: "0 9 * * 1-5"
 *   end: "0 18 * * 1-5"
 *   minScale: 3
 *   timezone: Asia/Shanghai
 * ```
 *
 * Keys: `start`, `end` (cron patterns), `minScale` (or `min-scale`, an integer >= 0) and optional `timezone`
 * (or `timeZone`, an IANA name, default `UTC`). Only this subset of YAML is understood; anything else is
 * refused with a message naming the line, so the API can answer 4xx.
 */

import { Cron } from "croner";
import type { ScheduleWindow } from "./schedule.ts";

export const SCHEDULE_ANNOTATION = "autoscaling.denative.dev/schedule";

export type ScheduleParseResult =
  | { readonly ok: true; readonly windows: ScheduleWindow[] }
  | { readonly ok: false; readonly errors: string[] };

const KEY_ALIASES: Record<string, keyof ScheduleWindow> = {
  start: "start",
  end: "end",
  minScale: "minScale",
  "min-scale": "minScale",
  timezone: "timezone",
  timeZone: "timezone",
};

/** Parses and validates the annotation text. An empty text is an empty schedule. */
export function parseScheduleAnnotation(text: string): ScheduleParseResult {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: true, windows: [] };
  let raw: unknown;
  try {
    raw = trimmed.startsWith("[") || trimmed.startsWith("{") ? JSON.parse(trimmed) : parseYamlList(trimmed);
  } catch (error) {
    return { ok: false, errors: [`not a JSON array or YAML list of windows: ${(error as Error).message}`] };
  }
  const entries = Array.isArray(raw) ? raw : [raw];
  const windows: ScheduleWindow[] = [];
  const errors: string[] = [];
  entries.forEach((entry, index) => {
    const result = validateWindow(entry);
    if (typeof result === "string") errors.push(`window ${index}: ${result}`);
    else if (Array.isArray(result)) errors.push(...result.map((message) => `window ${index}: ${message}`));
    else windows.push(result);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, windows };
}

/** Whether `name` is an IANA time zone this runtime knows. */
export function isValidTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function validateWindow(entry: unknown): ScheduleWindow | string | string[] {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    return "must be an object with start, end and minScale";
  }
  const fields: Partial<Record<keyof ScheduleWindow, unknown>> = {};
  const errors: string[] = [];
  for (const [key, value] of Object.entries(entry)) {
    const field = KEY_ALIASES[key];
    if (!field) errors.push(`unknown field "${key}" (expected start, end, minScale, timezone)`);
    else fields[field] = value;
  }

  let timezone = "UTC";
  if (fields.timezone !== undefined) {
    if (typeof fields.timezone !== "string" || !isValidTimeZone(fields.timezone)) {
      errors.push(`timezone ${JSON.stringify(fields.timezone)} is not a known IANA time zone`);
    } else {
      timezone = fields.timezone;
    }
  }

  const patterns: Record<"start" | "end", string> = { start: "", end: "" };
  for (const field of ["start", "end"] as const) {
    const value = fields[field];
    if (typeof value !== "string" || value.trim() === "") {
      errors.push(`${field} must be a cron pattern string`);
      continue;
    }
    try {
      new Cron(value.trim(), { timezone: isValidTimeZone(timezone) ? timezone : "UTC" });
      patterns[field] = value.trim();
    } catch (error) {
      errors.push(
        `${field} ${JSON.stringify(value)} is not a valid cron pattern: ${(error as Error).message}`,
      );
    }
  }

  const minScale = typeof fields.minScale === "string" && /^\d+$/.test(fields.minScale.trim())
    ? Number(fields.minScale)
    : fields.minScale;
  if (typeof minScale !== "number" || !Number.isInteger(minScale) || minScale < 0 || minScale > 2 ** 31 - 1) {
    errors.push(`minScale must be an integer >= 0, got ${JSON.stringify(fields.minScale)}`);
  }

  if (errors.length > 0) return errors;
  return { start: patterns.start, end: patterns.end, minScale: minScale as number, timezone };
}

/** The YAML subset: `- key: value` items with `key: value` continuation lines, comments, quoted scalars. */
function parseYamlList(text: string): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  let current: Record<string, unknown> | null = null;
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    const where = `line ${index + 1}`;
    let body = line.trim();
    if (body === "" || body.startsWith("#")) continue;
    if (body === "-" || body.startsWith("- ")) {
      current = {};
      items.push(current);
      body = body.slice(1).trim();
      if (body === "") continue;
    }
    if (body.startsWith("{") || body.startsWith("[")) {
      throw new Error(
        `${where}: flow collections are not supported here; write the schedule as JSON instead`,
      );
    }
    if (current === null) throw new Error(`${where}: expected a list item starting with "-"`);
    const match = /^([A-Za-z][\w-]*)\s*:(?:\s+(.*))?$/.exec(body);
    if (!match) throw new Error(`${where}: expected "key: value", got ${JSON.stringify(body)}`);
    const [, key, value = ""] = match;
    if (key in current) throw new Error(`${where}: duplicate key "${key}"`);
    current[key] = parseScalar(value, where);
  }
  return items;
}

function parseScalar(text: string, where: string): unknown {
  if (text.startsWith('"')) {
    const end = closingQuote(text, '"');
    if (end < 0) throw new Error(`${where}: unterminated double-quoted string`);
    expectOnlyComment(text.slice(end + 1), where);
    return JSON.parse(text.slice(0, end + 1));
  }
  if (text.startsWith("'")) {
    const end = closingQuote(text, "'");
    if (end < 0) throw new Error(`${where}: unterminated single-quoted string`);
    expectOnlyComment(text.slice(end + 1), where);
    return text.slice(1, end).replaceAll("''", "'");
  }
  if (text.startsWith("{") || text.startsWith("[")) {
    throw new Error(`${where}: flow collections are not supported here; write the schedule as JSON instead`);
  }
  const plain = text.replace(/\s+#.*$/, "").trim();
  if (/^[+-]?\d+(\.\d+)?$/.test(plain)) return Number(plain);
  if (plain === "true" || plain === "false") return plain === "true";
  if (plain === "" || plain === "~" || plain === "null") return null;
  return plain;
}

function closingQuote(text: string, quote: string): number {
  for (let i = 1; i < text.length; i++) {
    if (quote === '"' && text[i] === "\\") {
      i++;
    } else if (text[i] === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}

function expectOnlyComment(rest: string, where: string): void {
  const trimmed = rest.trim();
  if (trimmed !== "" && !/^#/.test(trimmed)) {
    throw new Error(`${where}: unexpected text after quoted string: ${JSON.stringify(trimmed)}`);
  }
}
