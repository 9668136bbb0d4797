/**
 * The CloudEvent a KafkaSource sends for a record, as Knative's: a record that already is a
 * CloudEvent (Kafka binding: `ce_` headers, or a structured `application/cloudevents+json` value)
 * passes unchanged; any other record becomes type `dev.knative.kafka.event`, source
 * `/apis/v1/namespaces/<ns>/kafkasources/<name>#<topic>`, subject `partition:<p>#<offset>`, id
 * `partition:<p>/offset:<o>`, time the record's timestamp, the record key in the `key` extension
 * (per the `key-type` annotation), each header as a `kafkaheader<name>` extension, the value as
 * data and its `content-type` header as datacontenttype. `ceOverrides` extensions apply to both.
 * Pure.
 */
import type { CloudEvent, ExtensionValue } from "../eventing/cloudevents/cloudevent.ts";
import { CloudEventError } from "../eventing/cloudevents/cloudevent_error.ts";
import { decodeKafkaRecord } from "../eventing/cloudevents/kafka_decode.ts";
import { isAttributeName } from "../eventing/cloudevents/attribute_name.ts";
import { isMediaType } from "../eventing/cloudevents/media_type.ts";
import type { ConsumedRecord } from "./kafka_client.ts";
import type { KeyType } from "./kafka_source.ts";

export const KAFKA_EVENT_TYPE = "dev.knative.kafka.event";

export interface SourceIdentity {
  namespace: string;
  name: string;
  keyType: KeyType;
  /** `ceOverrides.extensions`, set on every event. */
  overrides?: Record<string, string>;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function kafkaEventSource(namespace: string, name: string, topic: string): string {
  return `/apis/v1/namespaces/${namespace}/kafkasources/${name}#${topic}`;
}

/** Whether a record carries a CloudEvent by the Kafka binding (binary or structured). */
export function looksLikeCloudEvent(record: ConsumedRecord): boolean {
  for (const [name, value] of Object.entries(record.headers)) {
    const lower = name.toLowerCase();
    if (lower === "ce_specversion") return true;
    if (lower === "content-type") {
      const text = typeof value === "string" ? value : decodeText(value);
      if (text?.trim().toLowerCase().startsWith("application/cloudevents")) return true;
    }
  }
  return false;
}

export function recordToEvent(record: ConsumedRecord, source: SourceIdentity): CloudEvent {
  if (looksLikeCloudEvent(record)) {
    try {
      return withOverrides(decodeKafkaRecord(record), source.overrides);
    } catch (err) {
      // Not a valid CloudEvent after all: it is delivered as a plain record rather than lost.
      if (!(err instanceof CloudEventError)) throw err;
    }
  }
  return withOverrides(plainRecordEvent(record, source), source.overrides);
}

function plainRecordEvent(record: ConsumedRecord, source: SourceIdentity): CloudEvent {
  const { partition, offset } = record;
  const extensions: Record<string, ExtensionValue> = {};
  let contentType: string | undefined;
  for (const [name, value] of Object.entries(record.headers)) {
    const text = typeof value === "string" ? value : decodeText(value);
    if (text === undefined) continue;
    if (name.toLowerCase() === "content-type" && isMediaType(text)) contentType = text;
    // Knative's naming; names past CloudEvents' 20 characters cannot be sent here and are left out.
    const attribute = `kafkaheader${name.toLowerCase().replace(/[^a-z0-9]/g, "")}`;
    if (isAttributeName(attribute)) extensions[attribute] = text;
  }
  const key = keyValue(record.key, source.keyType);
  if (key !== undefined) extensions.key = key;
  const event: CloudEvent = {
    specversion: "1.0",
    id: `partition:${partition}/offset:${offset}`,
    source: kafkaEventSource(source.namespace, source.name, record.topic),
    type: KAFKA_EVENT_TYPE,
    subject: `partition:${partition}#${offset}`,
    extensions,
  };
  if (Number.isFinite(record.timestamp) && record.timestamp >= 0) {
    event.time = new Date(record.timestamp).toISOString();
  }
  if (contentType !== undefined) event.datacontenttype = contentType;
  if (record.value !== null && record.value.length > 0) event.data = new Uint8Array(record.value);
  return event;
}

/**
 * The `key` extension per Knative's key types: `string` (UTF-8; base64 when it is not), `int` and
 * `float` (big-endian, 4 or 8 bytes), `byte-array` (base64). Undefined for a record without key.
 */
export function keyValue(key: ConsumedRecord["key"], type: KeyType): ExtensionValue | undefined {
  if (key === undefined || key === null) return undefined;
  if (typeof key === "string") return key;
  const bytes = new Uint8Array(key);
  if (type === "byte-array") return bytes.toBase64();
  if (type === "int" || type === "float") {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = bytes.length === 4
      ? (type === "int" ? view.getInt32(0) : view.getFloat32(0))
      : bytes.length === 8
      ? (type === "int" ? Number(view.getBigInt64(0)) : view.getFloat64(0))
      : undefined;
    if (n === undefined) return bytes.toBase64();
    // CloudEvents integers are 32-bit; anything else travels as its decimal text.
    return Number.isInteger(n) && Math.abs(n) < 2 ** 31 ? n : String(n);
  }
  return decodeText(bytes) ?? bytes.toBase64();
}

function withOverrides(event: CloudEvent, overrides: Record<string, string> | undefined): CloudEvent {
  if (!overrides || Object.keys(overrides).length === 0) return event;
  return { ...event, extensions: { ...event.extensions, ...overrides } };
}

function decodeText(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}
