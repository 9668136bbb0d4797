/**
 * The wire protocol between the supervisor and what runs functions: length-prefixed frames.
 * Two kinds of connection carry them:
 * - a pool host's unix socket: starting, stopping and reporting its workers (host frames);
 * - each instance's own loopback TCP link: requests, bodies, pings and the instance's stats.
 *
 * Frame layout: u32 length of what follows | u8 type | u32 stream id | payload.
 * Control payloads are JSON, heads are text lines (see below), bodies are raw bytes.
 */

/** Bytes that own a plain ArrayBuffer, so they can be transferred between isolates. */
export type Bytes = Uint8Array<ArrayBuffer>;

export const FrameType = {
  /** host or instance -> supervisor, first frame: `{ token }` proves who connected. */
  Hello: 1,
  /** supervisor -> host, stream = instance id: `{ slot, moduleUrl, env, link, ... }` start an instance. */
  StartInstance: 2,
  /** instance -> supervisor (link): the instance loaded the code and can take requests. */
  InstanceReady: 3,
  /** instance (link) or host -> supervisor, stream = instance id: `{ error }` loading failed, or it died. */
  InstanceFailed: 4,
  /** supervisor -> host, stream = instance id: stop the instance. */
  StopInstance: 5,
  /** supervisor -> instance (link): liveness probe; answered with Pong. */
  Ping: 6,
  Pong: 7,
  /** host -> supervisor: `{ rss }`; instance (link) -> supervisor: `{ heapUsed, external, cpuMicros }`. */
  Heartbeat: 8,
  /** supervisor -> host, stream 0: `{ slot }` pre-create an idle worker that may read only `slot`. */
  PrepareSpare: 9,

  /** supervisor -> instance, stream = request id: the request's head (and inline body). */
  RequestHead: 10,
  /** either way, stream = request id: a body chunk (request body down, response body up). */
  Body: 11,
  /** either way: the body sent in this direction is complete. */
  End: 12,
  /** either way: `{ reason }` the stream is abandoned (client gone, timeout, or the handler's body failed). */
  Abort: 13,
  /** either way: u32 payload, more bytes the receiver can take (credit-based flow control). */
  Window: 14,
  /** instance -> supervisor, stream = request id: the response's head; its body follows in frames. */
  ResponseHead: 20,
  /** instance -> supervisor, stream = request id: `{ message }` the handler threw before responding. */
  ResponseError: 21,
  /** instance -> supervisor, stream = request id: a complete response, head and inline body in one frame. */
  Response: 22,

  /** instance -> supervisor, stream = request id: `{ protocol }` the function accepted a WebSocket upgrade. */
  WebSocketAccept: 30,
  /** supervisor -> instance: the client's socket is open (the function's socket fires `open`). */
  WebSocketOpen: 31,
  /** either way: one whole WebSocket message, u8 kind (1 text, 2 binary) | data; credit as Window. */
  WebSocketMessage: 32,
  /** either way: `{ code, reason }` this side closed (or saw the close of) the socket. */
  WebSocketClose: 33,
  /**
   * instance -> supervisor (link), stream = instance id: `{ time, level, message }` a line the function printed.
   * Numbered apart from the request frames so that frame types added meanwhile elsewhere cannot take its number.
   */
  Log: 40,
} as const;
export type FrameType = typeof FrameType[keyof typeof FrameType];

export interface Frame {
  type: FrameType;
  stream: number;
  payload: Bytes;
}

/** The flow-control window each body stream starts with; the receiver tops it up as it consumes. */
export const INITIAL_WINDOW = 256 * 1024;
/** Body chunks larger than this are split so one stream cannot hog the socket. */
export const MAX_CHUNK = 64 * 1024;

const HEADER = 9;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeFrame(type: FrameType, stream: number, payload: Bytes): Bytes {
  const out = new Uint8Array(HEADER + payload.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, 5 + payload.byteLength);
  view.setUint8(4, type);
  view.setUint32(5, stream);
  out.set(payload, HEADER);
  return out;
}

export function jsonPayload(value: unknown): Bytes {
  return encoder.encode(JSON.stringify(value));
}

export function parseJson<T>(payload: Bytes): T {
  return JSON.parse(decoder.decode(payload)) as T;
}

export function u32Payload(n: number): Bytes {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

export function readU32(payload: Bytes): number {
  return new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0);
}

/** Splits a byte stream into frames; feed it whatever the socket returns. */
export class FrameReader {
  /** Grows as needed (#ensure): most connections only ever carry small frames. */
  #buf = new Uint8Array(8 * 1024);
  #len = 0;

  push(chunk: Bytes): Frame[] {
    this.#ensure(chunk.byteLength);
    this.#buf.set(chunk, this.#len);
    this.#len += chunk.byteLength;
    const frames: Frame[] = [];
    let off = 0;
    const view = new DataView(this.#buf.buffer);
    while (this.#len - off >= 4) {
      const size = view.getUint32(off);
      if (this.#len - off - 4 < size) break;
      const type = view.getUint8(off + 4) as FrameType;
      const stream = view.getUint32(off + 5);
      // slice() copies, so payloads own their buffer and can be transferred to a worker.
      const payload = this.#buf.slice(off + HEADER, off + 4 + size);
      frames.push({ type, stream, payload });
      off += 4 + size;
    }
    if (off > 0) {
      this.#buf.copyWithin(0, off, this.#len);
      this.#len -= off;
    }
    return frames;
  }

  #ensure(extra: number) {
    if (this.#len + extra <= this.#buf.byteLength) return;
    let size = this.#buf.byteLength * 2;
    while (size < this.#len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }
}

/**
 * Coalesces frames written in the same event-loop turn into one socket write, and keeps writes in
 * order. Each incoming request runs in its own macrotask, so waiting for a microtask would batch
 * nothing; `setImmediate` lets every request handled in this turn add its frames first.
 * Frames are encoded straight into the batch's buffer, and the buffer of the write under way is
 * reused for the batch after it: no allocation per frame or per batch (allocating and collecting
 * ArrayBuffers was a visible share of the CPU per request).
 * `write` resolves when the bytes were handed to the kernel, which is how socket backpressure
 * reaches a body sender.
 */
export class FrameWriter {
  #buf: Bytes = EMPTY;
  #view = new DataView(EMPTY.buffer);
  #len = 0;
  /** The buffer of the write under way, once it is done: the next batch's. */
  #spare: Bytes | null = null;
  #flushing: Promise<void> | null = null;
  #closed = false;

  constructor(private readonly sink: { write(p: Bytes): Promise<number> }) {}

  write(type: FrameType, stream: number, payload: Bytes = EMPTY): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const at = this.#reserve(HEADER + payload.byteLength);
    this.#header(at, type, stream, 5 + payload.byteLength);
    this.#buf.set(payload, at + HEADER);
    this.#len = at + HEADER + payload.byteLength;
    return this.#schedule();
  }

  /** Bytes that already hold whole frames (a batch relayed as it came). */
  writeFrames(frames: Bytes): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const at = this.#reserve(frames.byteLength);
    this.#buf.set(frames, at);
    this.#len = at + frames.byteLength;
    return this.#schedule();
  }

  /** A head frame, encoded in place: frame header | u32 text length | text | body (see `headFrame`). */
  writeHead(type: FrameType, stream: number, text: string, body?: Uint8Array | string): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const bodyMax = body === undefined ? 0 : typeof body === "string" ? body.length * 3 : body.byteLength;
    const at = this.#reserve(HEADER + 4 + text.length * 3 + bodyMax);
    const buf = this.#buf;
    const textAt = at + HEADER + 4;
    const textLen = encoder.encodeInto(text, buf.subarray(textAt)).written;
    let end = textAt + textLen;
    if (typeof body === "string") end += encoder.encodeInto(body, buf.subarray(end)).written;
    else if (body) {
      buf.set(body, end);
      end += body.byteLength;
    }
    this.#header(at, type, stream, end - at - 4);
    this.#view.setUint32(at + HEADER, textLen);
    this.#len = end;
    return this.#schedule();
  }

  close() {
    this.#closed = true;
    this.#len = 0;
    this.#buf = EMPTY;
    this.#spare = null;
  }

  #header(at: number, type: FrameType, stream: number, size: number) {
    this.#view.setUint32(at, size);
    this.#view.setUint8(at + 4, type);
    this.#view.setUint32(at + 5, stream);
  }

  /** Room for `n` more bytes in the batch; where they go. */
  #reserve(n: number): number {
    const need = this.#len + n;
    if (need <= this.#buf.byteLength) return this.#len;
    let size = Math.max(this.#buf.byteLength * 2, MIN_BATCH_BUFFER);
    while (size < need) size *= 2;
    const spare = this.#spare;
    const next = spare && spare.byteLength >= need && this.#len === 0 ? spare : new Uint8Array(size);
    if (next === spare) this.#spare = null;
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
    return this.#len;
  }

  #schedule(): Promise<void> {
    if (!this.#flushing) this.#flushing = this.#flush();
    return this.#flushing;
  }

  async #flush(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.#len > 0 && !this.#closed) {
        const full = this.#buf;
        const batch = full.subarray(0, this.#len);
        // What is written meanwhile goes to the spare buffer (or a new one).
        this.#buf = this.#spare ?? EMPTY;
        this.#view = new DataView(this.#buf.buffer);
        this.#spare = null;
        this.#len = 0;
        let off = 0;
        while (off < batch.byteLength) off += await this.sink.write(batch.subarray(off));
        // A buffer grown for a large body is let go; the usual one is kept for the next batch.
        if (full.byteLength <= MAX_KEPT_BUFFER && this.#buf !== EMPTY) this.#spare = full;
        else if (full.byteLength <= MAX_KEPT_BUFFER) {
          this.#buf = full;
          this.#view = new DataView(full.buffer);
        }
      }
    } catch {
      this.#closed = true;
    } finally {
      this.#flushing = null;
    }
  }
}

/** A batch buffer starts this large, and one grown past MAX_KEPT_BUFFER is not kept. */
const MIN_BATCH_BUFFER = 8 * 1024;
const MAX_KEPT_BUFFER = 32 * 1024;

export const EMPTY = new Uint8Array(0);

/** Header lists travel as pairs so repeated headers (set-cookie) survive. */
export type HeaderPairs = [string, string][];

/**
 * How a body travels with its head: absent, complete and inline (small bodies, the common case,
 * cost no extra frames), or streamed in Body frames that follow. `text` is inline too, and says the
 * body was a string (UTF-8 here): the receiver may hand it on as a string, which Deno answers with
 * far less work than bytes (a Response from bytes costs ~1.5 µs more to make).
 */
export type BodyMode = "none" | "inline" | "text" | "stream";

export interface RequestHead {
  method: string;
  url: string;
  headers: HeaderPairs;
  body: BodyMode;
}

export interface ResponseHead {
  status: number;
  statusText: string;
  headers: HeaderPairs;
  body: BodyMode;
}

/*
 * Heads travel as text lines, not JSON (JSON was a sixth of the relay's CPU): three lines, then one
 * `name:value` line per header. No escaping is needed: HTTP forbids newlines in methods, URLs,
 * reason phrases, header names and values, and a header name cannot hold a colon.
 *   request:  body mode \n method \n url [\n name:value]*
 *   response: body mode \n status \n status text [\n name:value]*
 * A head frame's payload: u32 text length | text | the inline body, if any.
 */

/** What the data plane's ingress adds as Knative's does: X-Forwarded-Host and X-Forwarded-Proto. */
export interface ForwardedFrom {
  host: string;
  proto: string;
}

/**
 * The head text of a request; `forwardedFor` is appended to (or becomes) X-Forwarded-For, and
 * `from` sets X-Forwarded-Host and X-Forwarded-Proto unless a proxy in front already did.
 */
export function requestHeadText(
  method: string,
  url: string,
  headers: Headers,
  body: BodyMode,
  forwardedFor?: string,
  from?: ForwardedFrom,
): string {
  let text = `${body}\n${method}\n${url}`;
  let forwarded = forwardedFor === undefined;
  headers.forEach((value, name) => {
    if (!forwarded && name === "x-forwarded-for") {
      value = `${value}, ${forwardedFor}`;
      forwarded = true;
    }
    text += `\n${name}:${value}`;
  });
  if (!forwarded) text += `\nx-forwarded-for:${forwardedFor}`;
  if (from) {
    if (!headers.has("x-forwarded-host")) text += `\nx-forwarded-host:${from.host}`;
    if (!headers.has("x-forwarded-proto")) text += `\nx-forwarded-proto:${from.proto}`;
  }
  return text;
}

export function responseHeadText(
  status: number,
  statusText: string,
  headers: Headers,
  body: BodyMode,
): string {
  let text = `${body}\n${status}\n${statusText}`;
  // Iteration yields each set-cookie on its own and joins other repeated headers, as HTTP allows.
  headers.forEach((value, name) => (text += `\n${name}:${value}`));
  return text;
}

export function decodeRequestHead(payload: Bytes): { head: RequestHead; inline: Bytes } {
  const { lines, inline } = headLines(payload);
  return {
    head: { body: lines[0] as BodyMode, method: lines[1], url: lines[2], headers: pairsFrom(lines) },
    inline,
  };
}

export function decodeResponseHead(payload: Bytes): { head: ResponseHead; inline: Bytes } {
  const { lines, inline } = headLines(payload);
  return {
    head: {
      body: lines[0] as BodyMode,
      status: Number(lines[1]),
      statusText: lines[2],
      headers: pairsFrom(lines),
    },
    inline,
  };
}

/**
 * Decodes response heads, reusing the previous answer when the same head comes again: a function
 * mostly answers alike (same status, same headers), and decoding a head is a share of the CPU per
 * request. Its heads must be treated as read-only.
 */
export class ResponseHeadDecoder {
  #text: Bytes = EMPTY;
  #head: ResponseHead | null = null;

  decode(payload: Bytes): { head: ResponseHead; inline: Bytes } {
    const len = readU32(payload);
    const text = payload.subarray(4, 4 + len);
    const inline = payload.subarray(4 + len);
    if (this.#head !== null && sameBytes(text, this.#text)) return { head: this.#head, inline };
    const { head } = decodeResponseHead(payload);
    this.#text = text.slice();
    this.#head = head;
    return { head, inline };
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

function headLines(payload: Bytes): { lines: string[]; inline: Bytes } {
  const len = readU32(payload);
  const lines = decoder.decode(payload.subarray(4, 4 + len)).split("\n");
  return { lines, inline: payload.subarray(4 + len) };
}

function pairsFrom(lines: string[]): HeaderPairs {
  const pairs: HeaderPairs = [];
  for (let i = 3; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(":");
    pairs.push([line.slice(0, colon), line.slice(colon + 1)]);
  }
  return pairs;
}

/** A whole head frame in one allocation: frame header | u32 text length | text | body (text is encoded here). */
export function headFrame(type: FrameType, stream: number, text: string, body?: Uint8Array | string): Bytes {
  const at = HEADER;
  const bodyMax = body === undefined ? 0 : typeof body === "string" ? body.length * 3 : body.byteLength;
  let out = new Uint8Array(at + 4 + text.length * 3 + bodyMax);
  let r = encoder.encodeInto(text, out.subarray(at + 4));
  let end = at + 4 + r.written;
  const textLen = r.written;
  if (typeof body === "string") {
    r = encoder.encodeInto(body, out.subarray(end));
    end += r.written;
  } else if (body) {
    out.set(body, end);
    end += body.byteLength;
  }
  out = out.subarray(0, end);
  const view = new DataView(out.buffer);
  view.setUint32(0, end - 4);
  view.setUint8(4, type);
  view.setUint32(5, stream);
  view.setUint32(at, textLen);
  return out;
}

/** Calls `each` for every frame in `bytes`, which holds whole frames; payloads are views, not copies. */
export function forEachFrame(bytes: Bytes, each: (type: FrameType, stream: number, payload: Bytes) => void) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 0;
  while (off + HEADER <= bytes.byteLength) {
    const size = view.getUint32(off);
    each(
      view.getUint8(off + 4) as FrameType,
      view.getUint32(off + 5),
      bytes.subarray(off + HEADER, off + 4 + size),
    );
    off += 4 + size;
  }
}
