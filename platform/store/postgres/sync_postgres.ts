/**
 * A blocking PostgreSQL client for the resource store, whose callers (reconcilers, the admin API)
 * expect synchronous reads and writes as SQLite gives them. Requests go to a worker that owns the
 * connections; the main thread waits on a shared buffer (Atomics.wait) for the answer. Each call
 * costs one loopback round trip (well under a millisecond), which the control plane can afford.
 */
import type { ChangeWrite, SyncRequest, WorkerNotice } from "./sync_protocol.ts";
import { STATE_DONE, STATE_TOO_BIG, STATE_WAITING } from "./sync_protocol.ts";

const INITIAL_BUFFER_BYTES = 4 * 1024 * 1024;

export interface SyncPostgresOptions {
  /** How long one call may take before it throws, ms. @default 30000 */
  timeoutMs?: number;
  onNotice?: (notice: WorkerNotice) => void;
}

export class SyncPostgres {
  #worker: Worker;
  #sab = new SharedArrayBuffer(INITIAL_BUFFER_BYTES);
  #nextId = 1;
  #timeoutMs: number;
  #closed = false;

  constructor(url: string, opts: SyncPostgresOptions = {}) {
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#worker = new Worker(new URL("./sync_postgres_worker.ts", import.meta.url), { type: "module" });
    this.#worker.onmessage = (e: MessageEvent<WorkerNotice>) => opts.onNotice?.(e.data);
    this.#call("open", [url]);
  }

  query<T = Record<string, unknown>>(text: string, params: unknown[] = []): T[] {
    return this.#call("query", [text, params]) as T[];
  }

  snapshot(): { version: number; bodies: string[] } {
    return this.#call("snapshot", []) as { version: number; bodies: string[] };
  }

  write(w: ChangeWrite): { version: number; body: string } | { conflict: true } {
    return this.#call("write", [w]) as { version: number; body: string } | { conflict: true };
  }

  close() {
    if (this.#closed) return;
    try {
      this.#call("close", []);
    } finally {
      this.#closed = true;
      this.#worker.terminate();
    }
  }

  #call(op: Exclude<SyncRequest["op"], "resend">, args: unknown[]): unknown {
    if (this.#closed) throw new Error(`the database client is closed (${op})`);
    const id = this.#nextId++;
    let header = new Int32Array(this.#sab, 0, 2);
    Atomics.store(header, 0, STATE_WAITING);
    this.#worker.postMessage({ op, id, sab: this.#sab, args } as SyncRequest);
    this.#wait(header, op);
    if (Atomics.load(header, 0) === STATE_TOO_BIG) {
      this.#sab = new SharedArrayBuffer(header[1] + 8);
      header = new Int32Array(this.#sab, 0, 2);
      Atomics.store(header, 0, STATE_WAITING);
      this.#worker.postMessage({ op: "resend", id, sab: this.#sab } as SyncRequest);
      this.#wait(header, op);
    }
    const bytes = new Uint8Array(this.#sab, 8, header[1]).slice();
    const answer = JSON.parse(new TextDecoder().decode(bytes)) as { ok?: unknown; error?: string };
    if (answer.error !== undefined) throw new Error(`database ${op} failed: ${answer.error}`);
    return answer.ok;
  }

  #wait(header: Int32Array, op: string) {
    if (Atomics.wait(header, 0, STATE_WAITING, this.#timeoutMs) === "timed-out") {
      throw new Error(`database ${op} took longer than ${this.#timeoutMs} ms`);
    }
    if (Atomics.load(header, 0) !== STATE_DONE && Atomics.load(header, 0) !== STATE_TOO_BIG) {
      throw new Error(`database ${op}: unexpected answer state`);
    }
  }
}
