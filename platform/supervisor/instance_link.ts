/**
 * One instance's own connection to the supervisor: requests, bodies, pings and the instance's
 * stats travel here, straight between the platform and the isolate. The pool host's main thread is
 * not in the request path (relaying through it cost a third of the CPU per request and a thread
 * wake-up each way); it only starts, stops and reports its workers.
 */
import { FrameReader, FrameWriter, ResponseHeadDecoder } from "../../runtime/protocol.ts";
import type { Bytes, Frame, FrameType } from "../../runtime/protocol.ts";

/** What a link tells its owner. */
export interface LinkEvents {
  frame(frame: Frame): void;
  /** Once, when the connection is gone, whichever side ended it. */
  closed(): void;
}

export class InstanceLink {
  /** The heads of its responses (one function's: mostly alike). */
  readonly responseHeads = new ResponseHeadDecoder();
  #out: FrameWriter;
  #gone = false;

  constructor(
    private readonly conn: Deno.Conn,
    private readonly reader: FrameReader,
    private readonly leftover: Frame[],
    private readonly events: LinkEvents,
  ) {
    this.#out = new FrameWriter(conn);
  }

  /** Starts reading (the owner may keep the link first: frames may arrive at once). */
  start() {
    this.#readLoop(this.reader, this.leftover);
  }

  get gone(): boolean {
    return this.#gone;
  }

  send(type: FrameType, stream: number, payload?: Bytes): Promise<void> {
    return this.#out.write(type, stream, payload);
  }

  sendHead(type: FrameType, stream: number, text: string, body?: Uint8Array): Promise<void> {
    return this.#out.writeHead(type, stream, text, body);
  }

  close() {
    if (this.#gone) return;
    this.#gone = true;
    this.#out.close();
    try {
      this.conn.close();
    } catch { /* closed */ }
    this.events.closed();
  }

  async #readLoop(reader: FrameReader, leftover: Frame[]) {
    for (const f of leftover) this.#dispatch(f);
    const buf = new Uint8Array(64 * 1024);
    try {
      while (!this.#gone) {
        const n = await this.conn.read(buf);
        if (n === null) break;
        for (const f of reader.push(buf.subarray(0, n) as Bytes)) this.#dispatch(f);
      }
    } catch {
      // the instance went away
    }
    this.close();
  }

  #dispatch(f: Frame) {
    try {
      this.events.frame(f);
    } catch (err) {
      console.error(`handling a ${f.type} frame from an instance failed: ${err}`);
    }
  }
}
