import { type CesqlType, type CesqlValue, isInt32 } from "./value.ts";

const INTEGER_TEXT = /^[+-]?[0-9]+$/;

/** String -> Integer (section 3.7): base 10, optional sign, must fit in 32 bits. */
export function parseInteger(text: string): number | undefined {
  if (!INTEGER_TEXT.test(text)) return undefined;
  const n = Number(text);
  return isInt32(n) ? n + 0 : undefined; // `+ 0` turns "-0" into 0
}

/** String -> Boolean (section 3.7): "true" or "false", whatever the case. */
export function parseBoolean(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  return undefined;
}

export function toText(value: CesqlValue): string {
  return typeof value === "string" ? value : String(value);
}

/**
 * The cast an operator or function applies to an operand of the wrong type, or undefined when it fails.
 * Integer -> Boolean is refused here: the TCK expects `NOT 10` to raise a cast error; only the explicit
 * `BOOL()` turns integers into booleans.
 */
export function implicitCast(value: CesqlValue, target: CesqlType): CesqlValue | undefined {
  if (target === "Boolean" && typeof value === "number") return undefined;
  return explicitCast(value, target);
}

/** The casts of section 3.7, as `INT`, `BOOL` and `STRING` apply them; undefined when the cast fails. */
export function explicitCast(value: CesqlValue, target: CesqlType): CesqlValue | undefined {
  switch (target) {
    case "String":
      return toText(value);
    case "Integer":
      if (typeof value === "number") return value;
      if (typeof value === "boolean") return value ? 1 : 0;
      return parseInteger(value);
    case "Boolean":
      if (typeof value === "boolean") return value;
      if (typeof value === "number") return value !== 0;
      return parseBoolean(value);
  }
}

export function castFailureMessage(value: CesqlValue, target: CesqlType): string {
  const shown = typeof value === "string" ? `'${value}'` : String(value);
  return `cannot cast ${shown} to ${target}`;
}
