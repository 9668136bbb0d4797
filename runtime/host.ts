/**
 * The pool host: a child process the supervisor spawns to run one revision's instances, each in
 * its own worker isolate. It only relays frames between the supervisor's socket and the workers.
 *
 * Why a process: a worker stuck in a busy loop cannot be terminated, and a worker's heap overflow
 * kills its whole process. Putting a revision's isolates in a process the supervisor can kill means
 * a runaway function costs only its own revision's instances.
 *
 * Usage: deno run --no-config --allow-net --allow-read=... --unstable-worker-options host.ts SOCKET TOKEN
 */
import {
  encodeFrame,
  forEachFrame,
  FrameReader,
  FrameType,
  FrameWriter,
  jsonPayload,
  parseJson,
  readU32,
} from "./protocol.ts";
import type { Bytes } from "./protocol.ts";
import type { InstanceInit } from "./instance_worker.ts";

export interface StartInstance extends InstanceInit {
  /**
   * The only path the instance may read. The supervisor links it to the revision's code bundle just
   * before the start, which lets a worker be created (the slow part) before anyone knows its code.
   */
  slot: string;
}

const HEARTBEAT_MS = 1000;
/** The SDK functions import as `denative/...` (the host's import map points here); readable by instances. */
const RUNTIME_DIR = new URL("./", import.meta.url).pathname;
const [socketPath, token] = Deno.args;

const conn = await Deno.connect({ transport: "unix", path: socketPath });
const out = new FrameWriter(conn);
const workers = new Map<number, Worker>();
/** Idle workers created ahead of time, by the slot they may read. */
const spares = new Map<string, Worker>();
/** Which worker each in-flight request belongs to. */
const streams = new Map<number, Worker>();

out.write(FrameType.Hello, 0, jsonPayload({ token, pid: Deno.pid }));
setInterval(
  () => out.write(FrameType.Heartbeat, 0, jsonPayload({ rss: Deno.memoryUsage().rss })),
  HEARTBEAT_MS,
);

function createWorker(slot: string): Worker {
  return new Worker(new URL("./instance_worker.ts", import.meta.url), {
    type: "module",
    deno: {
      permissions: {
        read: [slot, RUNTIME_DIR],
        net: true,
        env: false,
        write: false,
        run: false,
        ffi: false,
        sys: false,
      },
    },
  });
}

/**
 * A spare's first message round trip (a transferred frame in, a frame out) happens now, not on a
 * cold start's first request, which would otherwise pay for warming both message paths.
 */
function warmedUp(worker: Worker): Worker {
  const probe = encodeFrame(FrameType.Ping, 0, new Uint8Array(1));
  worker.postMessage(probe, [probe.buffer]);
  return worker;
}

/** Frames that end a request's exchange, after which its stream id no longer routes to a worker. */
const ENDS_STREAM = new Set<FrameType>([
  FrameType.Response,
  FrameType.End,
  FrameType.Abort,
  FrameType.ResponseError,
]);

function startInstance(spec: StartInstance) {
  const worker = spares.get(spec.slot) ?? createWorker(spec.slot);
  spares.delete(spec.slot);
  worker.onmessage = (e: MessageEvent) => {
    // A worker posts the encoded frames of one event-loop turn together; they go out as they are.
    const bytes = e.data as Bytes;
    forEachFrame(bytes, (type, stream) => {
      if (ENDS_STREAM.has(type)) streams.delete(stream);
    });
    out.writeFrames(bytes);
  };
  worker.onerror = (e) => {
    e.preventDefault();
    failInstance(spec.instance, worker, e.message);
  };
  workers.set(spec.instance, worker);
  worker.postMessage({ init: spec });
}

function failInstance(id: number, worker: Worker, error: string) {
  worker.terminate();
  workers.delete(id);
  for (const [stream, w] of streams) if (w === worker) streams.delete(stream);
  out.write(FrameType.InstanceFailed, id, jsonPayload({ error }));
}

/** Frames bound for each worker during one socket read, posted as one buffer per worker. */
const outbox = new Map<Worker, { frames: [FrameType, number, Bytes][]; bytes: number }>();

function toWorker(worker: Worker, type: FrameType, stream: number, payload: Bytes) {
  let box = outbox.get(worker);
  if (!box) outbox.set(worker, box = { frames: [], bytes: 0 });
  box.frames.push([type, stream, payload]);
  box.bytes += 9 + payload.byteLength;
}

function flushOutbox() {
  for (const [worker, box] of outbox) {
    const bytes = new Uint8Array(box.bytes);
    const view = new DataView(bytes.buffer);
    let off = 0;
    for (const [type, stream, payload] of box.frames) {
      view.setUint32(off, 5 + payload.byteLength);
      view.setUint8(off + 4, type);
      view.setUint32(off + 5, stream);
      bytes.set(payload, off + 9);
      off += 9 + payload.byteLength;
    }
    worker.postMessage(bytes, [bytes.buffer]);
  }
  outbox.clear();
}

function relay(frame: { type: FrameType; stream: number; payload: Bytes }) {
  const { type, stream, payload } = frame;
  switch (type) {
    case FrameType.RequestHead: {
      const worker = workers.get(readU32(payload));
      if (!worker) {
        out.write(FrameType.ResponseError, stream, jsonPayload({ message: "instance is gone" }));
        return;
      }
      streams.set(stream, worker);
      toWorker(worker, type, stream, payload.subarray(4));
      return;
    }
    case FrameType.Body:
    case FrameType.End:
    case FrameType.Window:
    case FrameType.Abort: {
      const worker = streams.get(stream);
      if (!worker) return;
      if (type === FrameType.Abort) streams.delete(stream);
      toWorker(worker, type, stream, payload);
      return;
    }
    case FrameType.Ping: {
      const worker = workers.get(stream);
      if (worker) toWorker(worker, type, stream, payload);
      return;
    }
    case FrameType.StartInstance:
      startInstance(parseJson<StartInstance>(payload));
      return;
    case FrameType.PrepareSpare: {
      const { slot } = parseJson<{ slot: string }>(payload);
      if (!spares.has(slot)) spares.set(slot, warmedUp(createWorker(slot)));
      return;
    }
    case FrameType.StopInstance: {
      const worker = workers.get(stream);
      if (!worker) return;
      worker.terminate();
      workers.delete(stream);
      for (const [s, w] of streams) if (w === worker) streams.delete(s);
      return;
    }
  }
}

const reader = new FrameReader();
const buf = new Uint8Array(256 * 1024);
try {
  while (true) {
    const n = await conn.read(buf);
    if (n === null) break;
    for (const frame of reader.push(buf.subarray(0, n))) relay(frame);
    flushOutbox();
  }
} catch {
  // The supervisor went away; so do we.
}
Deno.exit(0);
