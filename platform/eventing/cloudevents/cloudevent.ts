/** The only CloudEvents specification version this codec speaks. */
export const SPEC_VERSION = "1.0";

/** Value of an extension attribute: the JSON-representable CloudEvents types (Integer is 32-bit). */
export type ExtensionValue = string | number | boolean;

/** The context attributes defined by the CloudEvents 1.0 core specification. */
export const CORE_ATTRIBUTES = [
  "specversion",
  "id",
  "source",
  "type",
  "datacontenttype",
  "dataschema",
  "subject",
  "time",
] as const;

export type CoreAttributeName = typeof CORE_ATTRIBUTES[number];

/**
 * A CloudEvent: context attributes, extension attributes and optional data.
 *
 * `data` is a `Uint8Array` for binary data (binary-mode bodies, `data_base64`), otherwise the value of a JSON
 * `data` member (any JSON value, including `null`). `undefined` means the event carries no data.
 */
export interface CloudEvent {
  specversion: typeof SPEC_VERSION;
  id: string;
  /** URI-reference. */
  source: string;
  type: string;
  /** RFC 2046 media type of `data`. */
  datacontenttype?: string;
  /** Absolute URI. */
  dataschema?: string;
  subject?: string;
  /** RFC 3339 timestamp, kept as the original text. */
  time?: string;
  extensions: Record<string, ExtensionValue>;
  data?: Uint8Array | unknown;
}

export function isCoreAttribute(name: string): name is CoreAttributeName {
  return (CORE_ATTRIBUTES as readonly string[]).includes(name);
}
