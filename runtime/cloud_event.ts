/**
 * The function SDK for events: write a CloudEvent handler, reply with an event, send events to your sink.
 * Self-contained (no imports), so it can be imported from `runtime/` or copied beside a function's `main.ts`.
 *
 * A handler receives each event the platform (a Trigger, a source) POSTs to the function, decoded from
 * binary or structured mode. Returning an event replies with it (binary mode, status 200): a reply to a
 * Broker's delivery goes back into that Broker. Returning nothing answers 202 with an empty body. An
 * invalid event is refused with 400 naming the attribute; a handler that throws makes a 500, which the
 * sender retries.
 *
 * @example
 * ```ts
 * // functions/greeter/main.ts (the SDK is importable as denative/cloud_event.ts)
 * import { cloudEvent, sendEvent } from "denative/cloud_event.ts";
 *
 * export default cloudEvent<{ name: string }>(async (event, ctx) => {
 *   console.log(`${ctx.revision} got ${event.type} from ${event.source}`);
 *   if (event.type !== "com.example.hello") return; // 202, nothing to say
 *   if (Deno.env.get("K_SINK")) await sendEvent({ type: "com.example.seen", source: "/greeter", data: event.data });
 *   return { type: "com.example.greeting", source: "/greeter", data: { text: `Hello, ${event.data?.name}!` } };
 * });
 * ```
 */

/** A CloudEvent 1.0 as a handler sees it: attributes (extensions included) as properties, and `data`. */
export interface CloudEvent<T = unknown> {
  specversion: "1.0";
  id: string;
  source: string;
  type: string;
  datacontenttype?: string;
  dataschema?: string;
  subject?: string;
  time?: string;
  /** Parsed JSON for JSON media types, a string for `text/*`, bytes otherwise; absent without data. */
  data?: T;
  /** Extension attributes: strings, integers or booleans. */
  [extension: string]: unknown;
}

/** An event to send or reply with: `type` and `source` are required; `id`, `specversion` and `time` are filled in. */
export type EventInit<T = unknown> = Partial<CloudEvent<T>> & { type: string; source: string };

/** What the platform tells a function about where it runs, plus the raw request. */
export interface EventContext {
  request: Request;
  service?: string;
  namespace?: string;
  revision?: string;
  env?: Record<string, string>;
}

export type EventHandler<T> = (
  event: CloudEvent<T>,
  ctx: EventContext,
) => EventInit | Response | void | undefined | Promise<EventInit | Response | void | undefined>;

/** An event that cannot be decoded or encoded; `field` names the attribute at fault. */
export class CloudEventError extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
    this.name = "CloudEventError";
  }
}

const NAME = /^[a-z0-9]{1,20}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const STRUCTURED = "application/cloudevents+json";
const BATCH = "application/cloudevents-batch+json";

/** Wraps a handler into the `{ fetch }` module a function default-exports. */
export function cloudEvent<T = unknown>(handler: EventHandler<T>): {
  fetch(request: Request, ctx?: Omit<EventContext, "request">): Promise<Response>;
} {
  return {
    async fetch(request, ctx = {}) {
      if (request.method !== "POST") {
        return text(405, "this function takes CloudEvents: POST them", { allow: "POST" });
      }
      let event: CloudEvent<T>;
      try {
        event = decodeEvent(request.headers, new Uint8Array(await request.arrayBuffer())) as CloudEvent<T>;
      } catch (err) {
        if (err instanceof CloudEventError) return text(400, `invalid CloudEvent: ${err.message}`);
        throw err;
      }
      const result = await handler(event, { ...ctx, request });
      if (result instanceof Response) return result;
      if (result === undefined || result === null) return new Response(null, { status: 202 });
      const { headers, body } = encodeBinary(newEvent(result));
      return new Response(body, { status: 200, headers });
    },
  };
}

/** Completes an event: a random `id`, `specversion` 1.0 and the current `time` unless given. */
export function newEvent<T>(init: EventInit<T>): CloudEvent<T> {
  return {
    specversion: "1.0",
    id: crypto.randomUUID(),
    time: new Date().toISOString(),
    ...init,
  } as CloudEvent<T>;
}

/**
 * The trace headers of the request being handled, which the instance keeps in an AsyncLocalStorage on
 * globalThis (see runtime/trace_context.ts; read here without an import to stay self-contained).
 */
function currentTraceHeaders(): Record<string, string> | undefined {
  const store = (globalThis as unknown as Record<symbol, { getStore(): unknown } | undefined>)[
    Symbol.for("denative.traceContext")
  ];
  return store?.getStore() as Record<string, string> | undefined;
}

/**
 * Sends an event (binary mode) to `K_SINK`, the sink a SinkBinding or source gives the function, with the
 * extensions of `K_CE_OVERRIDES` applied. Resolves with the status and a reply event, if the sink sent one;
 * throws when the sink is unset or does not answer 2xx.
 */
export async function sendEvent<T>(
  init: EventInit<T>,
  opts: { sink?: string; signal?: AbortSignal } = {},
): Promise<{ status: number; reply?: CloudEvent }> {
  const sink = opts.sink ?? envVar("K_SINK");
  if (!sink) throw new Error("no sink: K_SINK is not set (bind the function with a SinkBinding)");
  const overrides = envVar("K_CE_OVERRIDES");
  const extensions = overrides
    ? (JSON.parse(overrides) as { extensions?: Record<string, unknown> }).extensions
    : {};
  // Within a traced request, the event carries its trace (the CloudEvents distributed tracing extension).
  const trace = currentTraceHeaders();
  const traced = trace?.traceparent ? { traceparent: trace.traceparent } : {};
  const { headers, body } = encodeBinary(newEvent({ ...traced, ...init, ...extensions }));
  Object.assign(headers, trace);
  const response = await fetch(sink, { method: "POST", headers, body, signal: opts.signal });
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (!response.ok) {
    throw new Error(
      `the sink ${sink} answered ${response.status}: ${new TextDecoder().decode(bytes).slice(0, 200)}`,
    );
  }
  const isEvent = response.headers.has("ce-specversion") ||
    essence(response.headers.get("content-type")) === STRUCTURED;
  return isEvent
    ? { status: response.status, reply: decodeEvent(response.headers, bytes) }
    : { status: response.status };
}

function envVar(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

/** Decodes a binary- or structured-mode message. Throws `CloudEventError`. */
export function decodeEvent(headers: Headers, body: Uint8Array): CloudEvent {
  const contentType = headers.get("content-type") ?? undefined;
  const kind = essence(contentType);
  if (kind === BATCH) throw new CloudEventError("content-type", "batched events are not supported here");
  if (kind === STRUCTURED) return decodeStructured(body);
  if (!headers.has("ce-specversion")) {
    throw new CloudEventError(
      "specversion",
      "is required: no ce-specversion header and not a structured event",
    );
  }
  const event: Record<string, unknown> = {};
  for (const [name, value] of headers) {
    if (name.startsWith("ce-")) event[name.slice(3)] = decodeHeader(value, name.slice(3));
  }
  if (contentType !== undefined) event.datacontenttype = contentType;
  const checked = validate(event);
  if (body.length > 0) checked.data = dataFromBytes(body, contentType);
  return checked;
}

function decodeStructured(body: Uint8Array): CloudEvent {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch (err) {
    throw new CloudEventError("body", `is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new CloudEventError("body", "must be a JSON object");
  }
  const { data, data_base64: base64, ...attributes } = json as Record<string, unknown>;
  const event = validate(attributes);
  if (base64 !== undefined) {
    if (typeof base64 !== "string") throw new CloudEventError("data_base64", "must be a base64 string");
    try {
      event.data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    } catch {
      throw new CloudEventError("data_base64", "is not valid base64");
    }
  } else if (data !== undefined) event.data = data;
  return event;
}

function validate(attributes: Record<string, unknown>): CloudEvent {
  for (const [name, value] of Object.entries(attributes)) {
    if (!NAME.test(name)) {
      throw new CloudEventError(name, "attribute names are 1-20 lowercase letters or digits");
    }
    if (value === null) delete attributes[name];
    else if (!["string", "number", "boolean"].includes(typeof value)) {
      throw new CloudEventError(name, "must be a string, an integer or a boolean");
    }
  }
  if (attributes.specversion !== "1.0") {
    throw new CloudEventError(
      "specversion",
      attributes.specversion === undefined ? "is required" : 'must be "1.0"',
    );
  }
  for (const name of ["id", "source", "type"]) {
    if (attributes[name] === undefined) throw new CloudEventError(name, "is required");
    if (typeof attributes[name] !== "string" || attributes[name] === "") {
      throw new CloudEventError(name, "must be a non-empty string");
    }
  }
  if (attributes.time !== undefined && !RFC3339.test(String(attributes.time))) {
    throw new CloudEventError("time", "must be an RFC 3339 timestamp, such as 2018-04-05T17:31:00Z");
  }
  return attributes as CloudEvent;
}

/** Encodes an event in binary mode: `ce-` headers (percent-encoded), Content-Type, and the data as body. */
export function encodeBinary(
  event: CloudEvent,
): { headers: Record<string, string>; body: Uint8Array<ArrayBuffer> | null } {
  const { data, ...attributes } = event;
  validate({ ...attributes });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || name === "datacontenttype") continue;
    headers[`ce-${name}`] = encodeHeader(String(value));
  }
  let contentType = event.datacontenttype;
  let body: Uint8Array<ArrayBuffer> | null = null;
  if (data instanceof Uint8Array) body = new Uint8Array(data);
  else if (typeof data === "string") {
    body = new TextEncoder().encode(data);
    contentType ??= "text/plain; charset=utf-8";
  } else if (data !== undefined) {
    body = new TextEncoder().encode(JSON.stringify(data));
    contentType ??= "application/json";
  }
  if (contentType !== undefined) headers["content-type"] = contentType;
  return { headers, body };
}

function dataFromBytes(body: Uint8Array, contentType: string | undefined): unknown {
  const type = essence(contentType);
  if (type === undefined || type === "application/json" || type.endsWith("+json")) {
    const textValue = new TextDecoder().decode(body);
    try {
      return JSON.parse(textValue);
    } catch {
      if (type !== undefined) throw new CloudEventError("data", `is not valid JSON for ${type}`);
      return body;
    }
  }
  if (type.startsWith("text/")) return new TextDecoder().decode(body);
  return body;
}

function essence(contentType: string | null | undefined): string | undefined {
  return contentType ? contentType.split(";")[0].trim().toLowerCase() : undefined;
}

/** Percent-encodes space, `"`, `%` and everything outside printable ASCII (as UTF-8 bytes). */
function encodeHeader(value: string): string {
  let out = "";
  for (const char of value) {
    const cp = char.codePointAt(0)!;
    if (cp > 0x20 && cp < 0x7f && cp !== 0x22 && cp !== 0x25) out += char;
    else {for (const b of new TextEncoder().encode(char)) {
        out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
      }}
  }
  return out;
}

/**
 * Decodes one round of percent-encoding (UTF-8); a malformed sequence is an error. Header values arrive as
 * bytes (one character per byte), so raw UTF-8 that a sender forgot to encode is decoded too.
 */
function decodeHeader(raw: string, field: string): string {
  if (/^[\t -~]*$/.test(raw) && !raw.includes("%")) return raw;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === "%") {
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
        throw new CloudEventError(field, `has a malformed percent-encoding at position ${i}`);
      }
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      const code = raw.charCodeAt(i);
      if (code <= 0xff) bytes.push(code);
      else bytes.push(...new TextEncoder().encode(raw[i]));
    }
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    throw new CloudEventError(field, "percent-encoded bytes are not valid UTF-8");
  }
}

function text(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(`${message}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", ...headers },
  });
}
