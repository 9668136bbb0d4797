import type { CloudEvent } from "./cloudevent.ts";
import { CloudEventError } from "./cloudevent_error.ts";
import { isJsonMediaType } from "./media_type.ts";
import { decodeUtf8, encodeUtf8 } from "./utf8.ts";

/**
 * The data of an event as the byte sequence a binary-mode message carries: bytes as they are, a string as
 * UTF-8 (unless the content type is JSON, where it is a JSON string), any other value as JSON text.
 * Undefined when the event has no data.
 */
export function eventDataBytes(event: CloudEvent): Uint8Array<ArrayBuffer> | undefined {
  const { data } = event;
  if (data === undefined) return undefined;
  if (data instanceof Uint8Array) return new Uint8Array(data);
  const json = isJsonMediaType(event.datacontenttype);
  if (typeof data === "string" && !json) return encodeUtf8(data);
  if (!json) {
    throw new CloudEventError(
      "data",
      `only a string or bytes can be sent as ${event.datacontenttype}, not ${describe(data)}`,
    );
  }
  return encodeUtf8(toJsonText(data));
}

/** The data interpreted as JSON: bytes and non-JSON strings are parsed, JSON values are returned as-is. */
export function eventDataJson(event: CloudEvent): unknown {
  const { data } = event;
  if (data === undefined) return undefined;
  if (data instanceof Uint8Array) return parseJson(decodeUtf8(data, "data"));
  if (typeof data === "string" && !isJsonMediaType(event.datacontenttype)) return parseJson(data);
  return data;
}

/** The data as text: bytes decoded as UTF-8, strings as they are, other values as JSON text. */
export function eventDataText(event: CloudEvent): string | undefined {
  const { data } = event;
  if (data === undefined) return undefined;
  if (data instanceof Uint8Array) return decodeUtf8(data, "data");
  if (typeof data === "string") return data;
  return toJsonText(data);
}

function toJsonText(data: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (error) {
    throw new CloudEventError("data", `cannot be serialized as JSON: ${(error as Error).message}`);
  }
  if (text === undefined) {
    throw new CloudEventError("data", `cannot be serialized as JSON: ${describe(data)}`);
  }
  return text;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CloudEventError("data", `is not valid JSON: ${(error as Error).message}`);
  }
}

function describe(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
}
