/**
 * The pool host: a child process the supervisor spawns to run instances, each in its own worker
 * isolate with its own permissions (its slot and the SDK). Instances of several revisions share a
 * host (by default those of one namespace; platform/supervisor/host_pool.ts). It starts, stops and
 * reports its workers; requests do not pass through it (each instance has its own connection to the
 * supervisor, see instance_worker.ts).
 *
 * Why a process: a worker stuck in a busy loop cannot be terminated, and a worker's heap overflow
 * kills its whole process. The supervisor can kill a process; the revision to blame then gets hosts
 * of its own, and the other instances restart elsewhere.
 *
 * Usage: deno run --no-config --allow-net --allow-read=... --unstable-worker-options host.ts SOCKET TOKEN LINK_SOCKET
 *   [DATA_PORT DATA_BRIDGE_SOCKET]: in a network namespace of its own, relay the data plane (data_plane_relay.ts).
 */
import { FrameReader, FrameType, FrameWriter, jsonPayload, parseJson } from "./protocol.ts";
import type { InstanceInit } from "./instance_worker.ts";
import process from "node:process";
import { relayDataPlane } from "./data_plane_relay.ts";

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
const [socketPath, token, linkPath, dataPort, dataBridgePath] = Deno.args;
// Before any worker exists, so no function can take the data port's address in the namespace first.
if (dataBridgePath) relayDataPlane(Number(dataPort), dataBridgePath);

const conn = await Deno.connect({ transport: "unix", path: socketPath });
const out = new FrameWriter(conn);
const workers = new Map<number, Worker>();
/** Idle workers created ahead of time, by the slot they may read. */
const spares = new Map<string, Worker>();

out.write(FrameType.Hello, 0, jsonPayload({ token, pid: Deno.pid }));
setInterval(
  () => {
    const cpu = process.cpuUsage();
    out.write(
      FrameType.Heartbeat,
      0,
      jsonPayload({ rss: Deno.memoryUsage().rss, cpuMicros: cpu.user + cpu.system }),
    );
  },
  HEARTBEAT_MS,
);

function createWorker(slot: string): Worker {
  return new Worker(new URL("./instance_worker.ts", import.meta.url), {
    type: "module",
    deno: {
      permissions: {
        // Its code, its volumes (see runtime_volumes.ts), the SDK; and the link socket, until the
        // instance has connected (it revokes both before the function's code loads).
        read: [slot, `${slot}.volumes`, `${slot}.emptydir`, RUNTIME_DIR, linkPath],
        net: true,
        env: false,
        // Its emptyDir volumes only (and the link socket, as above).
        write: [`${slot}.emptydir`, linkPath],
        run: false,
        ffi: false,
        sys: false,
      },
    },
  });
}

function startInstance(spec: StartInstance) {
  const worker = spares.get(spec.slot) ?? createWorker(spec.slot);
  spares.delete(spec.slot);
  worker.onerror = (e) => {
    e.preventDefault();
    failInstance(spec.instance, worker, e.message);
  };
  worker.onmessage = (e: MessageEvent) => {
    if (e.data?.failed) failInstance(spec.instance, worker, String(e.data.failed));
  };
  workers.set(spec.instance, worker);
  worker.postMessage({ init: spec });
}

function failInstance(id: number, worker: Worker, error: string) {
  worker.terminate();
  workers.delete(id);
  out.write(FrameType.InstanceFailed, id, jsonPayload({ error }));
}

function handle(frame: { type: FrameType; stream: number; payload: Uint8Array }) {
  const { type, stream, payload } = frame;
  switch (type) {
    case FrameType.StartInstance:
      startInstance(parseJson<StartInstance>(payload as Uint8Array<ArrayBuffer>));
      return;
    case FrameType.PrepareSpare: {
      const { slot } = parseJson<{ slot: string }>(payload as Uint8Array<ArrayBuffer>);
      if (spares.has(slot)) return;
      const spare = createWorker(slot);
      // Warms the spare's link path too (a connection it drops at once), not only its serving path.
      spare.postMessage({ warm: { path: linkPath } });
      spares.set(slot, spare);
      return;
    }
    case FrameType.StopInstance: {
      const worker = workers.get(stream);
      if (!worker) return;
      worker.terminate();
      workers.delete(stream);
      return;
    }
  }
}

const reader = new FrameReader();
const buf = new Uint8Array(64 * 1024);
try {
  while (true) {
    const n = await conn.read(buf);
    if (n === null) break;
    for (const frame of reader.push(buf.subarray(0, n))) handle(frame);
  }
} catch {
  // The supervisor went away; so do we.
}
Deno.exit(0);
