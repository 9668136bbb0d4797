/**
 * Moving HTTP bodies across the supervisor <-> instance link without ever buffering one whole.
 *
 * The sender may only have `window` unacknowledged bytes in flight; the receiver hands credit back
 * as its consumer reads, so a slow reader slows the writer instead of filling memory. Small bodies
 * that are complete at once skip all of this and travel inline with their head.
 */
import { type BodyMode, INITIAL_WINDOW, MAX_CHUNK } from "./protocol.ts";
import type { Bytes } from "./protocol.ts";

/** What a body sender needs from the link: send a chunk, say the end, say it failed. */
export interface BodyLink {
  chunk(bytes: Bytes): void | Promise<void>;
  end(): void | Promise<void>;
  abort(reason: string): void | Promise<void>;
}

/** Credit for one direction of one stream. */
export class CreditGate {
  #credit: number;
  #waiter: (() => void) | null = null;
  #cancelled = false;

  constructor(initial = INITIAL_WINDOW) {
    this.#credit = initial;
  }

  grant(bytes: number) {
    this.#credit += bytes;
    this.#wake();
  }

  cancel() {
    this.#cancelled = true;
    this.#wake();
  }

  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** Resolves true when `bytes` may be sent, false when the stream was cancelled meanwhile. */
  async take(bytes: number): Promise<boolean> {
    while (this.#credit <= 0 && !this.#cancelled) {
      await new Promise<void>((resolve) => (this.#waiter = resolve));
    }
    this.#credit -= bytes;
    return !this.#cancelled;
  }

  #wake() {
    const w = this.#waiter;
    this.#waiter = null;
    w?.();
  }
}

export interface PreparedBody {
  mode: BodyMode;
  /** The whole body when mode is "inline". */
  inline?: Bytes;
  /** What is left to stream when mode is "stream". */
  rest?: BodyRest;
}

export interface BodyRest {
  /** Chunks already read while deciding the mode. */
  first: Bytes[];
  reader: ReadableStreamDefaultReader<Bytes>;
  /** A read started while deciding the mode that has not settled yet. */
  pendingRead?: Promise<ReadableStreamReadResult<Bytes>>;
}

/**
 * Reads just enough of a body to know whether it is already complete. A body that ends within a few
 * microtasks of its first chunk (every `new Response("text")`) is sent inline; anything slower, such
 * as server-sent events, starts streaming at once so its head is not held back.
 */
export async function prepareBody(body: ReadableStream<Bytes> | null): Promise<PreparedBody> {
  if (!body) return { mode: "none" };
  const reader = body.getReader();
  const first = await reader.read();
  if (first.done) return { mode: "inline", inline: new Uint8Array(0) };
  const second = reader.read();
  const settled = await Promise.race([second, microtasks(8)]);
  if (settled && settled.done) return { mode: "inline", inline: first.value };
  const chunks = [first.value];
  if (settled) chunks.push(settled.value);
  return { mode: "stream", rest: { first: chunks, reader, pendingRead: settled ? undefined : second } };
}

async function microtasks(n: number): Promise<undefined> {
  for (let i = 0; i < n; i++) await Promise.resolve();
  return undefined;
}

/** Streams the rest of a prepared body over the link, within the credit the receiver grants. */
export async function pumpBody(rest: BodyRest, gate: CreditGate, link: BodyLink) {
  const { reader } = rest;
  let pending = rest.pendingRead;
  try {
    for (const c of rest.first) if (!await sendChunk(c, gate, link)) return cancel(reader);
    while (true) {
      const r = pending ? await pending : await reader.read();
      pending = undefined;
      if (r.done) break;
      if (!await sendChunk(r.value, gate, link)) return cancel(reader);
    }
    await link.end();
  } catch (err) {
    await link.abort(err instanceof Error ? err.message : String(err));
    cancel(reader);
  }
}

function cancel(reader: ReadableStreamDefaultReader<Bytes>) {
  reader.cancel().catch(() => {});
}

async function sendChunk(chunk: Bytes, gate: CreditGate, link: BodyLink): Promise<boolean> {
  for (let off = 0; off < chunk.byteLength; off += MAX_CHUNK) {
    const part = chunk.subarray(off, Math.min(off + MAX_CHUNK, chunk.byteLength));
    if (!await gate.take(part.byteLength)) return false;
    await link.chunk(part);
  }
  return true;
}

/**
 * The receiving end of a streamed body: a ReadableStream fed by `push`, which hands credit back
 * through `grant` as its consumer reads. `onCancel` fires when the consumer gives up.
 */
export class BodyReceiver {
  #queue: Bytes[] = [];
  #done = false;
  #error: Error | null = null;
  #wake: (() => void) | null = null;
  #consumed = 0;
  readonly stream: ReadableStream<Bytes>;

  constructor(private readonly grant: (bytes: number) => void, onCancel: (reason: string) => void) {
    this.stream = new ReadableStream<Bytes>({
      pull: async (controller) => {
        while (this.#queue.length === 0 && !this.#done && !this.#error) {
          await new Promise<void>((resolve) => (this.#wake = resolve));
        }
        const chunk = this.#queue.shift();
        if (chunk) {
          controller.enqueue(chunk);
          this.#credit(chunk.byteLength);
        } else if (this.#error) controller.error(this.#error);
        else controller.close();
      },
      cancel: (reason) => {
        this.#done = true;
        this.#queue = [];
        onCancel(String(reason ?? "cancelled"));
      },
    }, { highWaterMark: 0 });
  }

  push(chunk: Bytes) {
    if (this.#done) return;
    this.#queue.push(chunk);
    this.#notify();
  }

  end() {
    this.#done = true;
    this.#notify();
  }

  abort(reason: string) {
    if (this.#done && this.#queue.length === 0) return;
    this.#error = new Error(reason);
    this.#notify();
  }

  #credit(bytes: number) {
    // Hand credit back in batches: one Window frame per quarter window, not one per chunk.
    this.#consumed += bytes;
    if (this.#consumed >= INITIAL_WINDOW / 4) {
      this.grant(this.#consumed);
      this.#consumed = 0;
    }
  }

  #notify() {
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }
}
