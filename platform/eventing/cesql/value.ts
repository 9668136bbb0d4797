/** A CESQL value: Boolean, Integer (32-bit signed) or String. */
export type CesqlValue = boolean | number | string;

export type CesqlType = "Boolean" | "Integer" | "String";

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

export function typeOf(value: CesqlValue): CesqlType {
  switch (typeof value) {
    case "boolean":
      return "Boolean";
    case "number":
      return "Integer";
    default:
      return "String";
  }
}

/** The value an operator or function returns when it fails (section 3.1). */
export function zeroValue(type: CesqlType): CesqlValue {
  switch (type) {
    case "Boolean":
      return false;
    case "Integer":
      return 0;
    case "String":
      return "";
  }
}

export function isInt32(n: number): boolean {
  return Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX;
}
