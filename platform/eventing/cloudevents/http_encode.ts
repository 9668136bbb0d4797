import type { CloudEvent } from "./cloudevent.ts";
import { canonicalString, eventAttributes } from "./attributes.ts";
import { eventDataBytes } from "./event_data.ts";
import {
  JSON_BATCH_FORMAT,
  JSON_EVENT_FORMAT,
  serializeJsonBatch,
  serializeJsonEvent,
} from "./json_format.ts";
import { encodeHeaderValue } from "./percent_encoding.ts";
import { encodeUtf8 } from "./utf8.ts";
import { validateEvent } from "./validate_event.ts";

/** An encoded HTTP message, ready for `new Request(url, { method: "POST", headers, body })`. */
export interface EncodedHttpMessage {
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer>;
}

/** The media type a binary-mode message declares for the event's data. */
export function binaryContentType(event: CloudEvent): string | undefined {
  if (event.datacontenttype !== undefined) return event.datacontenttype;
  // JSON-format data without a content type is implicitly application/json; bytes stay undeclared.
  if (event.data === undefined || event.data instanceof Uint8Array) return undefined;
  return "application/json";
}

/** Binary mode: attributes as percent-encoded `ce-` headers, datacontenttype as Content-Type, data as body. */
export function encodeHttpBinary(event: CloudEvent): EncodedHttpMessage {
  const checked = validateEvent(event);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(eventAttributes(checked))) {
    if (name === "datacontenttype") continue;
    headers[`ce-${name}`] = encodeHeaderValue(canonicalString(value));
  }
  const contentType = binaryContentType(checked);
  if (contentType !== undefined) headers["content-type"] = contentType;
  return { headers, body: eventDataBytes(checked) ?? new Uint8Array() };
}

/** Structured mode: the whole event in the JSON event format. */
export function encodeHttpStructured(event: CloudEvent): EncodedHttpMessage {
  return {
    headers: { "content-type": `${JSON_EVENT_FORMAT}; charset=utf-8` },
    body: encodeUtf8(serializeJsonEvent(event)),
  };
}

/** Batched mode: the events as one JSON batch. */
export function encodeHttpBatch(events: CloudEvent[]): EncodedHttpMessage {
  return {
    headers: { "content-type": `${JSON_BATCH_FORMAT}; charset=utf-8` },
    body: encodeUtf8(serializeJsonBatch(events)),
  };
}
