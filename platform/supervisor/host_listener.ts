/**
 * The one unix socket every pool host connects back to. A host proves who it is with the
 * random token it was spawned with; a function cannot reach the socket at all (its isolate
 * has no read or write permission for the path).
 */
import { FrameReader, FrameType, parseJson } from "../../runtime/protocol.ts";
import type { Bytes, Frame } from "../../runtime/protocol.ts";

export interface HostConnection {
  conn: Deno.UnixConn;
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
  #listener: Deno.Listener<Deno.UnixConn>;
  #waiting = new Map<string, (c: HostConnection) => void>();

  private constructor(dir: string) {
    this.socketPath = `${dir}/hosts.sock`;
    this.slotsRoot = `${dir}/slots`;
    Deno.mkdirSync(this.slotsRoot);
    this.importMapPath = `${dir}/import_map.json`;
    const runtime = new URL("../../runtime/", import.meta.url).href;
    Deno.writeTextFileSync(this.importMapPath, JSON.stringify({ imports: { "denative/": runtime } }));
    this.#listener = Deno.listen({ transport: "unix", path: this.socketPath });
    this.#acceptLoop();
  }

  /** Opens the socket in a fresh private directory (unix socket paths must stay short). */
  static async open(): Promise<HostListener> {
    const dir = await Deno.makeTempDir({ prefix: "denative-" });
    await Deno.chmod(dir, 0o700);
    return new HostListener(dir);
  }

  /** Resolves with the connection of the host spawned with `token`. */
  expect(token: string, timeoutMs: number): Promise<HostConnection> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(token);
        reject(new Error(`the pool host did not connect within ${timeoutMs} ms`));
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

  async #acceptLoop() {
    try {
      for await (const conn of this.#listener) this.#handshake(conn);
    } catch {
      // closed
    }
  }

  async #handshake(conn: Deno.UnixConn) {
    const reader = new FrameReader();
    const buf = new Uint8Array(64 * 1024);
    try {
      while (true) {
        const n = await conn.read(buf);
        if (n === null) break;
        const frames = reader.push(buf.subarray(0, n) as Bytes);
        if (frames.length === 0) continue;
        const [hello, ...leftover] = frames;
        if (hello.type !== FrameType.Hello) break;
        const { token } = parseJson<{ token: string }>(hello.payload);
        const waiter = this.#waiting.get(token);
        if (!waiter) break;
        this.#waiting.delete(token);
        waiter({ conn, reader, leftover });
        return;
      }
    } catch {
      // fall through and drop the connection
    }
    try {
      conn.close();
    } catch {
      // already closed
    }
  }

  async close() {
    try {
      this.#listener.close();
    } catch {
      // already closed
    }
    await Deno.remove(this.socketPath.replace(/\/hosts\.sock$/, ""), { recursive: true }).catch(() => {});
  }
}
