import { type CesqlValue, isInt32 } from "./value.ts";

/** A CloudEvent as CESQL sees it: context attributes and extensions side by side; `data` is ignored. */
export type CloudEventAttributes = Readonly<Record<string, unknown>>;

/**
 * The value of attribute `name` (lower case), or undefined when the event lacks it. Values that are not
 * CESQL primitives are represented as Strings (section 3.2): timestamps as RFC 3339, binary as base64.
 */
export function readAttribute(event: CloudEventAttributes, name: string): CesqlValue | undefined {
  // Own properties only: `constructor` or `toString` must not resolve to Object.prototype members.
  if (name === "data" || !Object.hasOwn(event, name)) return undefined;
  return toCesqlValue(event[name]);
}

function toCesqlValue(raw: unknown): CesqlValue | undefined {
  switch (typeof raw) {
    case "undefined":
      return undefined;
    case "string":
    case "boolean":
      return raw;
    case "number":
      return isInt32(raw) ? raw + 0 : String(raw);
    case "bigint":
      return isInt32(Number(raw)) ? Number(raw) : String(raw);
    default:
      if (raw === null) return undefined;
      if (raw instanceof Date) return raw.toISOString();
      if (raw instanceof Uint8Array) return base64(raw);
      return serialize(raw);
  }
}

function serialize(raw: unknown): string {
  try {
    return JSON.stringify(raw) ?? String(raw);
  } catch {
    return String(raw); // cycles, BigInt members
  }
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
