/**
 * The worker behind SyncPostgres: it owns the connections, runs each request the main thread
 * sends, and writes the JSON answer into the shared buffer the main thread waits on. It also
 * LISTENs on the change channel and forwards notifications (and re-listens after reconnects).
 */
/// <reference lib="deno.worker" />
import postgres from "postgres";
import { migrate } from "./migrations.ts";
import type { ChangeWrite, SyncRequest, WorkerNotice } from "./sync_protocol.ts";
import { CHANGE_CHANNEL, STATE_DONE, STATE_TOO_BIG } from "./sync_protocol.ts";

let sql: postgres.Sql | null = null;
let pending: { id: number; bytes: Uint8Array } | null = null;

function db(): postgres.Sql {
  if (!sql) throw new Error("the database connection is not open");
  return sql;
}

const ops = {
  async open(url: string) {
    sql = postgres(url, { max: 2, onnotice: () => {}, idle_timeout: 0 });
    await migrate(sql);
    await sql.listen(CHANGE_CHANNEL, (payload) => notice({ kind: "change", payload }), () => {
      notice({ kind: "listening" });
    });
    return true;
  },
  async query(text: string, params: unknown[]) {
    return [...await db().unsafe(text, params as postgres.ParameterOrJSON<never>[])];
  },
  /** Every resource and the counter, read in one snapshot. */
  async snapshot() {
    return await db().begin("ISOLATION LEVEL REPEATABLE READ", async (tx) => {
      const [{ value }] = await tx`SELECT value FROM counters WHERE name = 'resourceVersion'`;
      const rows = await tx`SELECT body FROM resources`;
      return { version: Number(value), bodies: rows.map((r) => r.body as string) };
    });
  },
  /**
   * Writes (or deletes) one object when its stored version is still `expected` (null: absent).
   * The counter row is locked first, so writes commit in resourceVersion order with no gaps.
   */
  async write(w: ChangeWrite) {
    try {
      return await db().begin(async (tx) => {
        const [{ value }] = await tx`UPDATE counters SET value = value + 1
          WHERE name = 'resourceVersion' RETURNING value`;
        const version = Number(value);
        const [cur] = await tx`SELECT version FROM resources
          WHERE kind = ${w.kind} AND namespace = ${w.namespace} AND name = ${w.name}`;
        const current = cur ? Number(cur.version) : null;
        if (current !== w.expected) throw new Conflict();
        const obj = JSON.parse(w.body);
        obj.metadata.resourceVersion = String(version);
        const body = JSON.stringify(obj);
        const type = w.delete ? "DELETED" : current === null ? "ADDED" : "MODIFIED";
        if (w.delete) {
          await tx`DELETE FROM resources WHERE kind = ${w.kind} AND namespace = ${w.namespace}
            AND name = ${w.name}`;
        } else {
          await tx`INSERT INTO resources (kind, namespace, name, body, version)
            VALUES (${w.kind}, ${w.namespace}, ${w.name}, ${body}, ${version})
            ON CONFLICT (kind, namespace, name) DO UPDATE SET body = EXCLUDED.body, version = EXCLUDED.version`;
        }
        await tx`INSERT INTO changes (version, type, kind, namespace, name, body)
          VALUES (${version}, ${type}, ${w.kind}, ${w.namespace}, ${w.name}, ${body})`;
        await tx`SELECT pg_notify(${CHANGE_CHANNEL}, ${String(version)})`;
        return { version, body };
      });
    } catch (err) {
      if (err instanceof Conflict) return { conflict: true };
      throw err;
    }
  },
  async close() {
    await sql?.end({ timeout: 1 });
    sql = null;
    return true;
  },
};

class Conflict extends Error {}

function notice(n: WorkerNotice) {
  self.postMessage(n);
}

function answer(req: { id: number; sab: SharedArrayBuffer }, value: unknown) {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  const header = new Int32Array(req.sab, 0, 2);
  if (bytes.byteLength > req.sab.byteLength - 8) {
    pending = { id: req.id, bytes };
    header[1] = bytes.byteLength;
    Atomics.store(header, 0, STATE_TOO_BIG);
  } else {
    new Uint8Array(req.sab, 8, bytes.byteLength).set(bytes);
    header[1] = bytes.byteLength;
    Atomics.store(header, 0, STATE_DONE);
  }
  Atomics.notify(header, 0);
}

self.onmessage = async (e: MessageEvent<SyncRequest>) => {
  const req = e.data;
  if (req.op === "resend") {
    const bytes = pending?.id === req.id ? pending.bytes : new TextEncoder().encode('{"error":"lost"}');
    pending = null;
    const header = new Int32Array(req.sab, 0, 2);
    new Uint8Array(req.sab, 8, bytes.byteLength).set(bytes);
    header[1] = bytes.byteLength;
    Atomics.store(header, 0, STATE_DONE);
    Atomics.notify(header, 0);
    return;
  }
  try {
    // deno-lint-ignore no-explicit-any
    const value = await (ops[req.op] as (...args: any[]) => Promise<unknown>)(...req.args);
    answer(req, { ok: value });
  } catch (err) {
    answer(req, { error: err instanceof Error ? err.message : String(err) });
  }
};
