import type { CloudEvent } from "./cloudevent.ts";
import { CloudEventError } from "./cloudevent_error.ts";
import { attributeNameProblem } from "./attribute_name.ts";
import { type ContentMode, contentModeOf } from "./content_mode.ts";
import { parseEventAttributes } from "./event_schema.ts";
import { parseJsonBatch, parseJsonEvent } from "./json_format.ts";
import { decodeHeaderValue } from "./percent_encoding.ts";
import { encodeUtf8 } from "./utf8.ts";

/** An HTTP message as headers and body: a `Headers` object or a plain map of header names to values. */
export interface HttpMessage {
  headers: Headers | Record<string, string | readonly string[] | undefined>;
  body?: Uint8Array | string | null;
}

export interface DecodedHttpMessage {
  mode: ContentMode;
  /** One event for binary and structured mode; any number (also none) for batched mode. */
  events: CloudEvent[];
}

const HEADER_PREFIX = "ce-";

function headerMap(headers: HttpMessage["headers"]): Map<string, string> {
  const map = new Map<string, string>();
  const entries: Iterable<[string, string | readonly string[] | undefined]> = headers instanceof Headers
    ? headers.entries()
    : Object.entries(headers);
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    map.set(name.toLowerCase(), typeof value === "string" ? value : value.join(", "));
  }
  return map;
}

function bodyBytes(body: HttpMessage["body"]): Uint8Array {
  if (body === undefined || body === null) return new Uint8Array();
  return typeof body === "string" ? encodeUtf8(body) : body;
}

function decodeBinary(headers: Map<string, string>, body: Uint8Array): CloudEvent {
  if (!headers.has(`${HEADER_PREFIX}specversion`)) {
    throw new CloudEventError(
      "specversion",
      "is required: there is no ce-specversion header and the content type is not a CloudEvents format",
    );
  }
  const members: Record<string, unknown> = {};
  for (const [name, raw] of headers) {
    if (!name.startsWith(HEADER_PREFIX)) continue;
    const attribute = name.slice(HEADER_PREFIX.length);
    const problem = attributeNameProblem(attribute);
    if (problem) throw new CloudEventError(name, problem);
    members[attribute] = decodeHeaderValue(raw, attribute);
  }
  // Content-Type carries datacontenttype in binary mode; a ce-datacontenttype header is only a fallback.
  const contentType = headers.get("content-type");
  if (contentType !== undefined) members.datacontenttype = contentType;
  const event: CloudEvent = parseEventAttributes(members);
  if (body.length > 0) event.data = body;
  return event;
}

/** Decodes an HTTP message in binary, structured or batched content mode. Throws `CloudEventError`. */
export function decodeHttpMessage(message: HttpMessage): DecodedHttpMessage {
  const headers = headerMap(message.headers);
  const body = bodyBytes(message.body);
  const detected = contentModeOf(headers.get("content-type"));
  switch (detected.mode) {
    case "unsupported":
      throw new CloudEventError("content-type", `the event format ${detected.format} is not supported`);
    case "structured":
      return { mode: "structured", events: [parseJsonEvent(body)] };
    case "batch":
      return { mode: "batch", events: parseJsonBatch(body) };
    case "binary":
      return { mode: "binary", events: [decodeBinary(headers, body)] };
  }
}

/** Reads and decodes a fetch `Request` (or a `Response` carrying a reply event). */
export async function decodeHttpRequest(message: Request | Response): Promise<DecodedHttpMessage> {
  const body = new Uint8Array(await message.arrayBuffer());
  return decodeHttpMessage({ headers: message.headers, body });
}
