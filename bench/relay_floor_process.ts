/**
 * The relay floors' processes (see relay_floor.ts), in three modes:
 *
 * - `serve SOCKET HOP`: the root. Listens on the unix socket SOCKET, spawns this script again as
 *   the far side (`echo` when HOP is "process", `relay` when HOP is "worker"), then serves hello on
 *   127.0.0.1 and prints "listening PORT". Each request sends a frame to the far side and is
 *   answered when that frame comes back. Stops its far side on SIGTERM.
 * - `echo SOCKET`: connects and writes back each read's whole frames in one write.
 * - `relay SOCKET`: connects and hands each read's whole frames to a worker (relay_floor_worker.ts),
 *   writing back what the worker returns.
 *
 * A frame is u32 length (of what follows, big-endian) | u32 request id. The far side exits when
 * the socket closes, so it never outlives the root.
 *
 * Usage: deno run --no-config --unstable-no-legacy-abort --allow-net=127.0.0.1,unix:SOCKET \
 *   --allow-read=DIR,BENCH --allow-write=DIR --allow-run=DENO relay_floor_process.ts serve SOCKET process|worker
 */

const FRAME_BYTES = 8;

/** Bytes at the start of `buf[0, filled)` that make up whole frames. */
function wholeFramesLength(buf: Uint8Array, filled: number): number {
  const view = new DataView(buf.buffer, buf.byteOffset, filled);
  let at = 0;
  while (filled - at >= 4) {
    const end = at + 4 + view.getUint32(at);
    if (end > filled) break;
    at = end;
  }
  return at;
}

/**
 * Reads whole frames: each `next()` returns the frames one read completed (a partial frame at the
 * end waits for the next read), as a view that is valid until the following `next()`; null at EOF.
 */
class FrameReader {
  #buf = new Uint8Array(64 * 1024);
  #filled = 0;
  #handedOut = 0;

  constructor(private readonly conn: Deno.Conn) {}

  async next(): Promise<Uint8Array | null> {
    if (this.#handedOut > 0) {
      this.#buf.copyWithin(0, this.#handedOut, this.#filled);
      this.#filled -= this.#handedOut;
      this.#handedOut = 0;
    }
    while (true) {
      if (this.#filled === this.#buf.length) {
        const bigger = new Uint8Array(this.#buf.length * 2);
        bigger.set(this.#buf);
        this.#buf = bigger;
      }
      const n = await this.conn.read(this.#buf.subarray(this.#filled));
      if (n === null) return null;
      this.#filled += n;
      const whole = wholeFramesLength(this.#buf, this.#filled);
      if (whole > 0) {
        this.#handedOut = whole;
        return this.#buf.subarray(0, whole);
      }
    }
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}

/**
 * Writes in order, one at a time; chunks queued while a write is under way go out together in
 * the next one. A failed write (the peer is gone) ends the process.
 */
function serialWriter(conn: Deno.Conn): (bytes: Uint8Array) => void {
  const queued: Uint8Array[] = [];
  let writing = false;
  const drain = async () => {
    writing = true;
    while (queued.length > 0) {
      let chunk = queued[0];
      if (queued.length > 1) {
        chunk = new Uint8Array(queued.reduce((n, q) => n + q.length, 0));
        let at = 0;
        for (const q of queued) chunk.set(q, (at += q.length) - q.length);
      }
      queued.length = 0;
      await writeAll(conn, chunk);
    }
    writing = false;
  };
  return (bytes) => {
    queued.push(bytes);
    if (!writing) drain().catch(() => Deno.exit(0));
  };
}

/** The root: hello on 127.0.0.1, each request a round trip of one frame to the far side. */
async function serve(socket: string, hop: string) {
  const listener = Deno.listen({ transport: "unix", path: socket });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--no-config",
      `--allow-net=unix:${socket}`,
      `--allow-read=${socket},${new URL(".", import.meta.url).pathname}`,
      `--allow-write=${socket}`,
      new URL(import.meta.url).pathname,
      hop === "worker" ? "relay" : "echo",
      socket,
    ],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  let stopping = false;
  child.status.then((s) => {
    if (stopping) return;
    console.error(`relay floor: the far side exited with ${s.code}`);
    Deno.exit(1);
  });
  Deno.addSignalListener("SIGTERM", async () => {
    stopping = true;
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    await child.status;
    Deno.exit(0);
  });
  const conn = await listener.accept();
  listener.close();

  // Ids of requests not yet sent; the first in an event-loop turn schedules one write for all.
  const pending = new Map<number, (response: Response) => void>();
  let unsent: number[] = [];
  let nextId = 0;
  const write = serialWriter(conn);
  const flush = () => {
    const frames = new Uint8Array(unsent.length * FRAME_BYTES);
    const view = new DataView(frames.buffer);
    for (let i = 0; i < unsent.length; i++) {
      view.setUint32(i * FRAME_BYTES, FRAME_BYTES - 4);
      view.setUint32(i * FRAME_BYTES + 4, unsent[i]);
    }
    unsent = [];
    write(frames);
  };

  // Frames coming back answer their requests.
  (async () => {
    const reader = new FrameReader(conn);
    for (let frames; (frames = await reader.next()) !== null;) {
      const view = new DataView(frames.buffer, frames.byteOffset, frames.length);
      for (let at = 0; at < frames.length; at += 4 + view.getUint32(at)) {
        const id = view.getUint32(at + 4);
        pending.get(id)?.(new Response("Hello World!"));
        pending.delete(id);
      }
    }
    if (!stopping) throw new Error("the far side closed the socket");
  })().catch((err) => {
    if (stopping) return;
    console.error(`relay floor: ${err.message}`);
    Deno.exit(1);
  });

  Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => console.log(`listening ${port}`),
  }, () => {
    const id = nextId;
    nextId = (nextId + 1) >>> 0;
    if (unsent.length === 0) setImmediate(flush);
    unsent.push(id);
    return new Promise<Response>((resolve) => pending.set(id, resolve));
  });
}

/** The far side: frames straight back, or through a worker and back. Exits when the socket closes. */
async function farSide(socket: string, viaWorker: boolean) {
  const conn = await Deno.connect({ transport: "unix", path: socket });
  const reader = new FrameReader(conn);
  if (!viaWorker) {
    for (let frames; (frames = await reader.next()) !== null;) await writeAll(conn, frames);
    Deno.exit(0);
  }
  const worker = new Worker(new URL("./relay_floor_worker.ts", import.meta.url), { type: "module" });
  const write = serialWriter(conn);
  worker.onmessage = (e: MessageEvent<Uint8Array<ArrayBuffer>>) => write(e.data);
  for (let frames; (frames = await reader.next()) !== null;) {
    const bytes = frames.slice(); // the reader reuses its buffer; this copy is transferred
    worker.postMessage(bytes, [bytes.buffer]);
  }
  Deno.exit(0);
}

const [mode, socket, hop] = Deno.args;
if (mode === "serve") await serve(socket, hop);
else if (mode === "echo" || mode === "relay") await farSide(socket, mode === "relay");
else {
  console.error(`relay_floor_process.ts: unknown mode ${mode}`);
  Deno.exit(2);
}
