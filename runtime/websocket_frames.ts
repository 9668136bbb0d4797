/**
 * WebSocket messages over an instance link, shared by both ends: how a message and a close travel
 * in frames, and the credit-gated queue that keeps one side from flooding the other.
 *
 * Flow control is per socket and per direction, as for bodies: a side may have INITIAL_WINDOW
 * bytes of messages unacknowledged; the receiver hands credit back (a Window frame) once it has
 * passed a message on. A message larger than the window still goes, alone, whenever any credit is
 * left, so a 1 MiB message needs no special case.
 */
import { INITIAL_WINDOW } from "./protocol.ts";
import type { Bytes } from "./protocol.ts";

export const MessageKind = { Text: 1, Binary: 2 } as const;
export type MessageKind = typeof MessageKind[keyof typeof MessageKind];

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A message as a frame payload: u8 kind | data (text as UTF-8). */
export function messagePayload(data: string | Uint8Array): Bytes {
  if (typeof data === "string") {
    const text = encoder.encode(data);
    const out = new Uint8Array(1 + text.byteLength);
    out[0] = MessageKind.Text;
    out.set(text, 1);
    return out;
  }
  const out = new Uint8Array(1 + data.byteLength);
  out[0] = MessageKind.Binary;
  out.set(data, 1);
  return out;
}

/** The message a payload carries: a string, or bytes that own their buffer. */
export function messageFrom(payload: Bytes): string | Bytes {
  if (payload[0] === MessageKind.Text) return decoder.decode(payload.subarray(1));
  return payload.slice(1);
}

export interface CloseInfo {
  code: number;
  reason: string;
}

/** The codes a close frame may carry on the wire (RFC 6455 7.4): 1005, 1006 and 1015 never travel. */
export function sendableCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999);
}

/**
 * Messages waiting for credit, in order. A zero-size entry (a close) waits behind the messages
 * queued before it but needs no credit itself.
 */
export class CreditedQueue {
  #credit: number;
  #queue: { size: number; send: () => void }[] = [];
  #buffered = 0;

  constructor(initial = INITIAL_WINDOW) {
    this.#credit = initial;
  }

  /** Bytes queued and not yet sent (what WebSocket's `bufferedAmount` reports). */
  get buffered(): number {
    return this.#buffered;
  }

  push(size: number, send: () => void) {
    this.#queue.push({ size, send });
    this.#buffered += size;
    this.#flush();
  }

  grant(bytes: number) {
    this.#credit += bytes;
    this.#flush();
  }

  /** Drops what is still queued (the socket is gone). */
  clear() {
    this.#queue = [];
    this.#buffered = 0;
  }

  #flush() {
    while (this.#queue.length > 0 && (this.#credit > 0 || this.#queue[0].size === 0)) {
      const item = this.#queue.shift()!;
      this.#credit -= item.size;
      this.#buffered -= item.size;
      item.send();
    }
  }
}
