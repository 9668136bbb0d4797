/**
 * The resource store of cluster mode: PostgreSQL holds the objects, one resourceVersion counter and
 * a change feed; every node keeps the objects in memory for its synchronous reads and follows the
 * feed (LISTEN/NOTIFY, plus a catch-up by resourceVersion after each notification, each own write,
 * each reconnect and every second), so watchers see every change of every node, in order, once.
 *
 * Writes are optimistic: they name the version they read, and a conflict (another node wrote first)
 * catches up and tries again.
 */
import { DatabaseSync } from "node:sqlite";
import type { KObject } from "../resources/meta.ts";
import { nextObject, type ResourceStore, sameJson, type Watcher, type WatchEvent } from "./resource_store.ts";
import { SyncPostgres } from "./postgres/sync_postgres.ts";

/** Conflicting writes tried again before giving up (each after catching up). */
const MAX_WRITE_ATTEMPTS = 20;
/** Changes read per catch-up query. */
const CATCH_UP_BATCH = 500;
/** Catch up this often even without notifications, ms. */
const CATCH_UP_INTERVAL_MS = 1_000;

interface ChangeRow {
  version: string;
  type: "ADDED" | "MODIFIED" | "DELETED";
  body: string;
}

export interface PostgresResourceStoreOptions {
  /** postgres://... */
  url: string;
  /** Path of the node-local SQLite database (`db`), e.g. `<state>/node.db`. */
  localDbPath: string;
}

export class PostgresResourceStore implements ResourceStore {
  readonly db: DatabaseSync;
  #pg: SyncPostgres;
  #objects = new Map<string, KObject>();
  #watchers = new Set<Watcher>();
  #version = 0;
  #timer: ReturnType<typeof setInterval>;
  #catchUpQueued = false;
  #closed = false;

  constructor(opts: PostgresResourceStoreOptions) {
    this.db = new DatabaseSync(opts.localDbPath);
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    this.#pg = new SyncPostgres(opts.url, { onNotice: () => this.#queueCatchUp() });
    this.#reload(false);
    this.#timer = setInterval(() => this.#queueCatchUp(), CATCH_UP_INTERVAL_MS);
  }

  /** The blocking client, for other cluster tables that are read synchronously. */
  get pg(): SyncPostgres {
    return this.#pg;
  }

  get version(): number {
    return this.#version;
  }

  get<T extends KObject = KObject>(kind: string, namespace: string, name: string): T | undefined {
    const obj = this.#objects.get(keyOf(kind, namespace, name));
    return obj ? structuredClone(obj) as T : undefined;
  }

  list<T extends KObject = KObject>(kind: string, namespace?: string): T[] {
    const out: KObject[] = [];
    for (const obj of this.#objects.values()) {
      if (obj.kind === kind && (namespace === undefined || obj.metadata.namespace === namespace)) {
        out.push(obj);
      }
    }
    out.sort((a, b) =>
      namespace === undefined && a.metadata.namespace !== b.metadata.namespace
        ? (a.metadata.namespace < b.metadata.namespace ? -1 : 1)
        : (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0)
    );
    return out.map((o) => structuredClone(o) as T);
  }

  put<T extends KObject>(obj: T, now = new Date()): T {
    const { kind } = obj;
    const { namespace, name } = obj.metadata;
    return this.#retry(`put ${kind} ${namespace}/${name}`, () => {
      const old = this.get<T>(kind, namespace, name);
      const next = nextObject(old, obj, now);
      if (next === old) return old;
      return this.#write(next, old, false);
    });
  }

  updateStatus<T extends KObject>(
    kind: string,
    namespace: string,
    name: string,
    status: T["status"],
  ): T | undefined {
    return this.#retry(`status of ${kind} ${namespace}/${name}`, () => {
      const old = this.get<T>(kind, namespace, name);
      if (!old) return undefined;
      if (sameJson(old.status, status)) return old;
      return this.#write({ ...old, status } as T, old, false);
    });
  }

  delete(kind: string, namespace: string, name: string): KObject | undefined {
    return this.#retry(`delete ${kind} ${namespace}/${name}`, () => {
      const old = this.get(kind, namespace, name);
      if (!old) return undefined;
      return this.#write(old, old, true);
    });
  }

  watch(fn: Watcher): () => void {
    this.#watchers.add(fn);
    return () => this.#watchers.delete(fn);
  }

  /** Applies every committed change this node has not seen yet, emitting its watch events. */
  catchUp() {
    if (this.#closed) return;
    while (true) {
      const rows = this.#pg.query<ChangeRow>(
        "SELECT version, type, body FROM changes WHERE version > $1 ORDER BY version LIMIT $2",
        [this.#version, CATCH_UP_BATCH],
      );
      if (rows.length === 0) return;
      // Versions have no gaps (the counter is transactional), so a gap means the feed was pruned
      // past what this node saw: start over from a snapshot.
      if (Number(rows[0].version) !== this.#version + 1) return this.#reload(true);
      for (const row of rows) {
        // A watcher may write, and so catch up, in the middle of this loop: skip what it applied.
        if (Number(row.version) !== this.#version + 1) continue;
        this.#apply(row.type, JSON.parse(row.body), Number(row.version));
      }
      if (rows.length < CATCH_UP_BATCH) return;
    }
  }

  close() {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#pg.close();
    this.db.close();
  }

  #write<T extends KObject>(obj: T, old: T | undefined, remove: boolean): T | typeof CONFLICT {
    const result = this.#pg.write({
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      body: JSON.stringify(obj),
      expected: old ? Number(old.metadata.resourceVersion) : null,
      delete: remove,
    });
    this.catchUp(); // applies this write (and any before it) in order, with its event
    if ("conflict" in result) return CONFLICT;
    return JSON.parse(result.body) as T;
  }

  #retry<R>(what: string, attempt: () => R | typeof CONFLICT): R {
    for (let i = 0; i < MAX_WRITE_ATTEMPTS; i++) {
      const result = attempt();
      if (result !== CONFLICT) return result as R;
    }
    throw new Error(`Cannot write ${what}: other nodes kept changing it (${MAX_WRITE_ATTEMPTS} conflicts)`);
  }

  #apply(type: ChangeRow["type"], obj: KObject, version: number) {
    const key = keyOf(obj.kind, obj.metadata.namespace, obj.metadata.name);
    const old = this.#objects.get(key);
    if (type === "DELETED") this.#objects.delete(key);
    else this.#objects.set(key, obj);
    this.#version = version;
    if (type === "DELETED") this.#emit({ type, object: structuredClone(obj) });
    else if (old) this.#emit({ type: "MODIFIED", object: structuredClone(obj), old: structuredClone(old) });
    else this.#emit({ type: "ADDED", object: structuredClone(obj) });
  }

  /** Loads a consistent snapshot; with `emit`, tells watchers what differs from what they saw. */
  #reload(emit: boolean) {
    const { version, bodies } = this.#pg.snapshot();
    const fresh = new Map<string, KObject>();
    for (const body of bodies) {
      const obj = JSON.parse(body) as KObject;
      fresh.set(keyOf(obj.kind, obj.metadata.namespace, obj.metadata.name), obj);
    }
    const before = this.#objects;
    this.#objects = fresh;
    this.#version = version;
    if (!emit) return;
    for (const [key, obj] of fresh) {
      const old = before.get(key);
      if (!old) this.#emit({ type: "ADDED", object: structuredClone(obj) });
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) {
        this.#emit({ type: "MODIFIED", object: structuredClone(obj), old: structuredClone(old) });
      }
    }
    for (const [key, old] of before) {
      if (!fresh.has(key)) {
        const gone = { ...old, metadata: { ...old.metadata, resourceVersion: String(version) } };
        this.#emit({ type: "DELETED", object: gone });
      }
    }
  }

  /** Notifications and the timer catch up on the next turn, not inside another store call. */
  #queueCatchUp() {
    if (this.#catchUpQueued || this.#closed) return;
    this.#catchUpQueued = true;
    queueMicrotask(() => {
      this.#catchUpQueued = false;
      try {
        this.catchUp();
      } catch (err) {
        console.error(`catching up with the cluster's changes failed: ${(err as Error).message}`);
      }
    });
  }

  #emit(event: WatchEvent) {
    for (const w of this.#watchers) {
      try {
        w(event);
      } catch (err) {
        console.error(`a resource watcher failed on ${event.type} ${event.object.kind}:`, err);
      }
    }
  }
}

const CONFLICT = Symbol("conflict");

function keyOf(kind: string, namespace: string, name: string): string {
  return `${kind}\0${namespace}\0${name}`;
}
