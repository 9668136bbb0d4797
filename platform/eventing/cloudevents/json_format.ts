import type { CloudEvent } from "./cloudevent.ts";
import { CORE_ATTRIBUTES } from "./cloudevent.ts";
import { CloudEventError } from "./cloudevent_error.ts";
import { parseEventAttributes } from "./event_schema.ts";
import { isJsonMediaType } from "./media_type.ts";
import { validateEvent } from "./validate_event.ts";
import { decodeUtf8 } from "./utf8.ts";

/** Media type of the JSON event format (structured mode). */
export const JSON_EVENT_FORMAT = "application/cloudevents+json";
/** Media type of the JSON batch format. */
export const JSON_BATCH_FORMAT = "application/cloudevents-batch+json";

/**
 * Reads one event from its JSON-format object: attributes as members, `data` or `data_base64`.
 * Throws `CloudEventError` naming the offending member.
 */
export function eventFromJsonObject(value: unknown): CloudEvent {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CloudEventError("event", "must be a JSON object");
  }
  const { data, data_base64: dataBase64, ...members } = value as Record<string, unknown>;
  const event: CloudEvent = parseEventAttributes(members);
  const hasData = Object.hasOwn(value, "data");
  if (dataBase64 !== undefined && dataBase64 !== null) {
    if (hasData) throw new CloudEventError("data_base64", "must not be present together with data");
    if (typeof dataBase64 !== "string") throw new CloudEventError("data_base64", "must be a base64 string");
    try {
      event.data = Uint8Array.fromBase64(dataBase64);
    } catch {
      throw new CloudEventError("data_base64", "is not valid base64");
    }
  } else if (hasData) {
    event.data = data;
  }
  return event;
}

/**
 * Writes an event as a JSON-format object. Binary data becomes `data_base64`, except bytes of a JSON content
 * type holding valid JSON, which are embedded as the `data` value (as other SDKs do).
 */
export function eventToJsonObject(event: CloudEvent): Record<string, unknown> {
  const checked = validateEvent(event);
  const object: Record<string, unknown> = {};
  for (const name of CORE_ATTRIBUTES) {
    if (checked[name] !== undefined) object[name] = checked[name];
  }
  Object.assign(object, checked.extensions);
  const { data } = checked;
  const json = isJsonMediaType(checked.datacontenttype);
  if (data instanceof Uint8Array) {
    const embedded = json ? tryParseJson(data) : undefined;
    if (embedded) object.data = embedded.value;
    else object.data_base64 = data.toBase64();
  } else if (data !== undefined) {
    if (!json && typeof data !== "string") {
      throw new CloudEventError(
        "data",
        `only a string or bytes can be carried as ${checked.datacontenttype}`,
      );
    }
    object.data = data;
  }
  return object;
}

function tryParseJson(bytes: Uint8Array): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(decodeUtf8(bytes, "data")) };
  } catch {
    return undefined;
  }
}

function parseJsonText(body: Uint8Array | string): unknown {
  const text = typeof body === "string" ? body : decodeUtf8(body, "body");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CloudEventError("body", `is not valid JSON: ${(error as Error).message}`);
  }
}

/** Parses a structured-mode body (the JSON event format). */
export function parseJsonEvent(body: Uint8Array | string): CloudEvent {
  return eventFromJsonObject(parseJsonText(body));
}

/** Parses a JSON batch body; an error names the index of the offending event. */
export function parseJsonBatch(body: Uint8Array | string): CloudEvent[] {
  const value = parseJsonText(body);
  if (!Array.isArray(value)) throw new CloudEventError("body", "a batch must be a JSON array of events");
  return value.map((item, index) => {
    try {
      return eventFromJsonObject(item);
    } catch (error) {
      throw error instanceof CloudEventError ? error.atIndex(index) : error;
    }
  });
}

export function serializeJsonEvent(event: CloudEvent): string {
  return JSON.stringify(eventToJsonObject(event));
}

export function serializeJsonBatch(events: CloudEvent[]): string {
  return JSON.stringify(events.map((event, index) => {
    try {
      return eventToJsonObject(event);
    } catch (error) {
      throw error instanceof CloudEventError ? error.atIndex(index) : error;
    }
  }));
}
