import type { CloudEvent } from "./cloudevent.ts";
import { CloudEventError } from "./cloudevent_error.ts";
import { attributeNameProblem } from "./attribute_name.ts";
import { contentModeOf } from "./content_mode.ts";
import { parseEventAttributes } from "./event_schema.ts";
import { parseJsonEvent } from "./json_format.ts";
import type { KafkaRecord } from "./kafka_record.ts";
import { decodeUtf8 } from "./utf8.ts";

const HEADER_PREFIX = "ce_";

function headerStrings(record: KafkaRecord): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(record.headers)) {
    map.set(name.toLowerCase(), typeof value === "string" ? value : decodeUtf8(value, name));
  }
  return map;
}

/**
 * Decodes a Kafka record in binary mode (`ce_` headers, value as data) or structured mode (JSON event format
 * value). Header values are UTF-8 and not percent-encoded. Throws `CloudEventError`.
 */
export function decodeKafkaRecord(record: KafkaRecord): CloudEvent {
  const headers = headerStrings(record);
  const detected = contentModeOf(headers.get("content-type"));
  if (detected.mode === "unsupported") {
    throw new CloudEventError("content-type", `the event format ${detected.format} is not supported`);
  }
  if (detected.mode === "batch") {
    throw new CloudEventError("content-type", "the Kafka binding has no batched content mode");
  }
  if (detected.mode === "structured") {
    if (record.value === null) throw new CloudEventError("value", "is required in structured mode");
    return parseJsonEvent(record.value);
  }
  if (!headers.has(`${HEADER_PREFIX}specversion`)) {
    throw new CloudEventError(
      "specversion",
      "is required: there is no ce_specversion header and the content type is not a CloudEvents format",
    );
  }
  const members: Record<string, unknown> = {};
  for (const [name, value] of headers) {
    if (!name.startsWith(HEADER_PREFIX)) continue;
    const attribute = name.slice(HEADER_PREFIX.length);
    const problem = attributeNameProblem(attribute);
    if (problem) throw new CloudEventError(name, problem);
    members[attribute] = value;
  }
  const contentType = headers.get("content-type");
  if (contentType !== undefined) members.datacontenttype = contentType;
  const event: CloudEvent = parseEventAttributes(members);
  if (record.value !== null && record.value.length > 0) event.data = record.value;
  return event;
}
