/**
 * Where pool hosts and instances connect back to the supervisor.
 *
 * Pool hosts use a unix socket that functions cannot reach (their isolates have no read or write
 * permission for the path). Instances connect to a second unix socket: an isolate is started with
 * read and write permission for that one path, connects before the function's code is loaded, and
 * revokes both (instance_worker.ts), so the function cannot reach it. (Over loopback TCP it could:
 * Deno cannot revoke one host:port under a global net grant, and the pool host's deny list would
 * deny the instance too.) Both prove who they are with a random token given to them at spawn or
 * start; anything else is dropped.
 */
import { FrameReader, FrameType, parseJson } from "../../runtime/protocol.ts";
import type { Bytes, Frame } from "../../runtime/protocol.ts";
import { openRuntimeDir } from "./runtime_dir.ts";

const HANDSHAKE_TIMEOUT_MS = 5_000;
/** A Hello is a few dozen bytes; a connection that sends more before one is dropped (no buffering gigabytes). */
export const MAX_HANDSHAKE_BYTES = 16 * 1024;

export interface HostConnection {
  conn: Deno.Conn;
  reader: FrameReader;
  /** Frames that arrived in the same read as the Hello. */
  leftover: Frame[];
}

export class HostListener {
  readonly socketPath: string;
  /** Where instance slots (links to code bundles) live; pool hosts may read only here. */
  readonly slotsRoot: string;
  /** Lets functions import the SDK as `denative/cloud_event.ts`, as they do in this repository. */
  readonly importMapPath: string;
  /** The unix socket instances connect to. */
  readonly linkPath: string;
  #listener: Deno.Listener<Deno.UnixConn>;
  #links: Deno.Listener<Deno.UnixConn>;
  #waiting = new Map<string, (c: HostConnection) => void>();

  private constructor(readonly runtimeDir: string) {
    const dir = runtimeDir;
    this.socketPath = `${dir}/hosts.sock`;
    this.slotsRoot = `${dir}/slots`;
    Deno.mkdirSync(this.slotsRoot);
    this.importMapPath = `${dir}/import_map.json`;
    const runtime = new URL("../../runtime/", import.meta.url).href;
    Deno.writeTextFileSync(this.importMapPath, JSON.stringify({ imports: { "denative/": runtime } }));
    this.#listener = Deno.listen({ transport: "unix", path: this.socketPath });
    this.linkPath = `${dir}/links.sock`;
    this.#links = Deno.listen({ transport: "unix", path: this.linkPath });
    this.#acceptLoop(this.#listener);
    this.#acceptLoop(this.#links);
  }

  /** Opens the socket in a fresh private directory (unix socket paths must stay short). */
  static async open(): Promise<HostListener> {
    return new HostListener(await openRuntimeDir());
  }

  /** Resolves with the connection of the host spawned (or the instance started) with `token`. */
  expect(token: string, timeoutMs: number, who = "the pool host"): Promise<HostConnection> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(token);
        reject(new Error(`${who} did not connect within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiting.set(token, (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
  }

  cancel(token: string) {
    this.#waiting.delete(token);
  }

  async #acceptLoop(listener: Deno.Listener) {
    try {
      for await (const conn of listener) {
        if (conn.remoteAddr.transport === "tcp") (conn as Deno.TcpConn).setNoDelay(true);
        this.#handshake(conn);
      }
    } catch {
      // closed
    }
  }

  async #handshake(conn: Deno.Conn) {
    const reader = new FrameReader();
    const buf = new Uint8Array(64 * 1024);
    // A connection that does not say who it is soon is dropped.
    const silent = setTimeout(() => {
      try {
        conn.close();
      } catch { /* closed */ }
    }, HANDSHAKE_TIMEOUT_MS);
    let received = 0;
    try {
      while (true) {
        const n = await conn.read(buf);
        if (n === null) break;
        received += n;
        if (received > MAX_HANDSHAKE_BYTES) break;
        const frames = reader.push(buf.subarray(0, n) as Bytes);
        if (frames.length === 0) continue;
        const [hello, ...leftover] = frames;
        if (hello.type !== FrameType.Hello) break;
        const { token } = parseJson<{ token: string }>(hello.payload);
        const waiter = this.#waiting.get(token);
        if (!waiter) break;
        this.#waiting.delete(token);
        clearTimeout(silent);
        waiter({ conn, reader, leftover });
        return;
      }
    } catch {
      // fall through and drop the connection
    }
    clearTimeout(silent);
    try {
      conn.close();
    } catch {
      // already closed
    }
  }

  async close() {
    for (const listener of [this.#listener, this.#links]) {
      try {
        listener.close();
      } catch {
        // already closed
      }
    }
    await Deno.remove(this.socketPath.replace(/\/hosts\.sock$/, ""), { recursive: true }).catch(() => {});
  }
}
