import type { CesqlFunction } from "./cesql_function.ts";

/** Characters are Unicode code points, not UTF-16 code units. */
function characters(text: string): string[] {
  return Array.from(text);
}

const UNICODE_SPACE_AT_ENDS = /^\p{White_Space}+|\p{White_Space}+$/gu;

/** The string functions of section 3.5.1. */
export const STRING_FUNCTIONS: readonly CesqlFunction[] = [
  {
    name: "LENGTH",
    parameters: ["String"],
    returns: "Integer",
    call: ([x]) => characters(x as string).length,
  },
  {
    name: "CONCAT",
    parameters: [],
    variadic: "String",
    returns: "String",
    call: (args) => args.join(""),
  },
  {
    name: "CONCAT_WS",
    parameters: ["String"],
    variadic: "String",
    returns: "String",
    call: ([delimiter, ...parts]) => parts.join(delimiter as string),
  },
  {
    name: "LOWER",
    parameters: ["String"],
    returns: "String",
    call: ([x]) => (x as string).toLowerCase(),
  },
  {
    name: "UPPER",
    parameters: ["String"],
    returns: "String",
    call: ([x]) => (x as string).toUpperCase(),
  },
  {
    // Unicode White_Space, which differs from String.prototype.trim (U+0085 yes, U+FEFF no).
    name: "TRIM",
    parameters: ["String"],
    returns: "String",
    call: ([x]) => (x as string).replace(UNICODE_SPACE_AT_ENDS, ""),
  },
  {
    name: "LEFT",
    parameters: ["String", "Integer"],
    returns: "String",
    call: ([x, y], report) => {
      const text = x as string;
      const count = y as number;
      if (count < 0) {
        report("functionEvaluation", `LEFT: length must not be negative, got ${count}`);
        return text;
      }
      return characters(text).slice(0, count).join("");
    },
  },
  {
    name: "RIGHT",
    parameters: ["String", "Integer"],
    returns: "String",
    call: ([x, y], report) => {
      const text = x as string;
      const count = y as number;
      if (count < 0) {
        report("functionEvaluation", `RIGHT: length must not be negative, got ${count}`);
        return text;
      }
      const chars = characters(text);
      return count >= chars.length ? text : chars.slice(chars.length - count).join("");
    },
  },
  {
    name: "SUBSTRING",
    parameters: ["String", "Integer"],
    returns: "String",
    call: ([x, pos], report) => substring(x as string, pos as number, undefined, report),
  },
  {
    name: "SUBSTRING",
    parameters: ["String", "Integer", "Integer"],
    returns: "String",
    call: ([x, pos, len], report) => substring(x as string, pos as number, len as number, report),
  },
];

/** SUBSTRING: `pos` counts from 1, or from the end when negative; 0 selects nothing. */
function substring(
  text: string,
  pos: number,
  length: number | undefined,
  report: (kind: "functionEvaluation", message: string) => void,
): string {
  const chars = characters(text);
  if (pos > chars.length || pos < -chars.length) {
    report(
      "functionEvaluation",
      `SUBSTRING: position ${pos} is outside a string of ${chars.length} characters`,
    );
    return "";
  }
  if (length !== undefined && length < 0) {
    report("functionEvaluation", `SUBSTRING: length must not be negative, got ${length}`);
    return "";
  }
  if (pos === 0) return "";
  const start = pos > 0 ? pos - 1 : chars.length + pos;
  const end = length === undefined ? chars.length : start + length;
  return chars.slice(start, end).join("");
}
