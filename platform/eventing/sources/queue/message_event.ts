/**
 * The CloudEvent a queue-backed source sends for a message: a message that already is a CloudEvent
 * passes unchanged (structured: an `application/cloudevents+json` body; binary: the attributes as
 * headers, under any of the prefixes the protocol bindings use: `ce-`, `ce_`, `cloudEvents:`,
 * `cloudEvents_`); any other message is wrapped in an event of the source's own type, id and source,
 * with the body as data. `ceOverrides` extensions apply to both. Pure.
 */
import type { CloudEvent, ExtensionValue } from "../../cloudevents/cloudevent.ts";
import { CloudEventError } from "../../cloudevents/cloudevent_error.ts";
import { decodeHttpMessage } from "../../cloudevents/http_decode.ts";
import { isMediaType } from "../../cloudevents/media_type.ts";

const PREFIXES = ["ce-", "ce_", "cloudevents:", "cloudevents_"];

export interface Message {
  body: Uint8Array;
  /** Header (or property) names and text values. */
  headers: Record<string, string>;
  contentType?: string;
}

export interface WrapAttributes {
  id: string;
  type: string;
  source: string;
  subject?: string;
  time?: string;
  extensions?: Record<string, ExtensionValue>;
}

/** The message as a CloudEvent, if it carries one (undefined when it does not, or not a valid one). */
export function embeddedEvent(message: Message): CloudEvent | undefined {
  const contentType = message.contentType ?? headerValue(message.headers, "content-type");
  const headers: Record<string, string> = {};
  let binary = false;
  for (const [name, value] of Object.entries(message.headers)) {
    const lower = name.toLowerCase();
    const prefix = PREFIXES.find((p) => lower.startsWith(p));
    if (!prefix) continue;
    const attribute = lower.slice(prefix.length);
    if (attribute === "specversion") binary = true;
    headers[`ce-${attribute}`] = value;
  }
  const structured = contentType?.trim().toLowerCase().startsWith("application/cloudevents+json") ?? false;
  if (!binary && !structured) return undefined;
  if (contentType) headers["content-type"] = contentType;
  try {
    const { events } = decodeHttpMessage({ headers, body: message.body });
    return events.length === 1 ? events[0] : undefined;
  } catch (err) {
    if (err instanceof CloudEventError) return undefined; // delivered wrapped rather than lost
    throw err;
  }
}

export function messageEvent(
  message: Message,
  wrap: WrapAttributes,
  overrides: Record<string, string> | undefined,
): CloudEvent {
  const event = embeddedEvent(message) ?? wrapped(message, wrap);
  if (!overrides || Object.keys(overrides).length === 0) return event;
  return { ...event, extensions: { ...event.extensions, ...overrides } };
}

function wrapped(message: Message, wrap: WrapAttributes): CloudEvent {
  const event: CloudEvent = {
    specversion: "1.0",
    id: wrap.id,
    source: wrap.source,
    type: wrap.type,
    extensions: { ...wrap.extensions },
  };
  if (wrap.subject) event.subject = wrap.subject;
  if (wrap.time) event.time = wrap.time;
  const contentType = message.contentType ?? headerValue(message.headers, "content-type");
  if (contentType && isMediaType(contentType)) event.datacontenttype = contentType;
  if (message.body.length > 0) event.data = message.body;
  return event;
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}
