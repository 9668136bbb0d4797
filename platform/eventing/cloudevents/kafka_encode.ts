import type { CloudEvent } from "./cloudevent.ts";
import { canonicalString, eventAttributes } from "./attributes.ts";
import { eventDataBytes } from "./event_data.ts";
import { binaryContentType } from "./http_encode.ts";
import { JSON_EVENT_FORMAT, serializeJsonEvent } from "./json_format.ts";
import type { KafkaRecord } from "./kafka_record.ts";
import { encodeUtf8 } from "./utf8.ts";
import { validateEvent } from "./validate_event.ts";

export interface KafkaEncodeOptions {
  /** The record key. Without it, the `partitionkey` extension (if any) becomes the key, else no key. */
  key?: Uint8Array | string | null;
}

function recordKey(event: CloudEvent, options: KafkaEncodeOptions): Uint8Array | string | null {
  if (options.key !== undefined) return options.key;
  const partitionKey = event.extensions.partitionkey;
  return partitionKey === undefined ? null : canonicalString(partitionKey);
}

/** Binary mode: attributes as `ce_` headers (plain UTF-8), datacontenttype as `content-type`, data as value. */
export function encodeKafkaBinary(event: CloudEvent, options: KafkaEncodeOptions = {}): KafkaRecord {
  const checked = validateEvent(event);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(eventAttributes(checked))) {
    if (name !== "datacontenttype") headers[`ce_${name}`] = canonicalString(value);
  }
  const contentType = binaryContentType(checked);
  if (contentType !== undefined) headers["content-type"] = contentType;
  return { key: recordKey(checked, options), value: eventDataBytes(checked) ?? null, headers };
}

/** Structured mode: the event in the JSON event format as the value. */
export function encodeKafkaStructured(event: CloudEvent, options: KafkaEncodeOptions = {}): KafkaRecord {
  const checked = validateEvent(event);
  return {
    key: recordKey(checked, options),
    value: encodeUtf8(serializeJsonEvent(checked)),
    headers: { "content-type": `${JSON_EVENT_FORMAT}; charset=utf-8` },
  };
}
