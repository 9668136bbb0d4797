/**
 * The resource store: Kubernetes-style objects keyed by kind, namespace and name, with generation
 * and resourceVersion kept as Kubernetes does, and a watch that reconcilers and event sources
 * subscribe to. `ResourceStore` is the interface; the embedded default is SQLite (through
 * `node:sqlite`, this file); cluster mode uses PostgreSQL (postgres_resource_store.ts).
 */
import { DatabaseSync } from "node:sqlite";
import type { KObject } from "../resources/meta.ts";
import { canonicalJson, sameJson } from "./canonical_json.ts";
export { sameJson };

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";
export interface WatchEvent {
  type: WatchEventType;
  object: KObject;
  /** For MODIFIED: the object before the change. */
  old?: KObject;
}
export type Watcher = (event: WatchEvent) => void;

export interface ResourceStore {
  /** A node-local SQLite database, for other embedded tables (the broker's event log). */
  readonly db: DatabaseSync;
  get<T extends KObject = KObject>(kind: string, namespace: string, name: string): T | undefined;
  list<T extends KObject = KObject>(kind: string, namespace?: string): T[];
  /**
   * Creates or replaces an object's metadata and spec. Status is kept from the stored object
   * (it belongs to the reconcilers); generation moves only when the spec changes.
   */
  put<T extends KObject>(obj: T, now?: Date): T;
  /** Replaces an object's status; a no-op (no event) when nothing changed. */
  updateStatus<T extends KObject>(
    kind: string,
    namespace: string,
    name: string,
    status: T["status"],
  ): T | undefined;
  /** The newest resourceVersion: every write and delete moves it by one. */
  readonly version: number;
  /** Deletes an object; its DELETED event carries a new resourceVersion, as Kubernetes' does. */
  delete(kind: string, namespace: string, name: string): KObject | undefined;
  watch(fn: Watcher): () => void;
  close(): void;
}

/** The embedded default: `new ResourceStore(path)` opens a SQLite store. */
export const ResourceStore = class SqliteResourceStore implements ResourceStore {
  #db: DatabaseSync;
  #watchers = new Set<Watcher>();
  #version: number;

  constructor(path: string) {
    this.#db = new DatabaseSync(path);
    this.#db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      CREATE TABLE IF NOT EXISTS resources (
        kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
        body TEXT NOT NULL, version INTEGER NOT NULL,
        PRIMARY KEY (kind, namespace, name));
      CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    `);
    const row = this.#db.prepare("SELECT value FROM counters WHERE name = 'resourceVersion'").get() as
      | { value: number }
      | undefined;
    this.#version = row?.value ?? 0;
  }

  /** The database, for other embedded tables (the broker's event log) to share one file. */
  get db(): DatabaseSync {
    return this.#db;
  }

  get<T extends KObject = KObject>(kind: string, namespace: string, name: string): T | undefined {
    const row = this.#db.prepare("SELECT body FROM resources WHERE kind = ? AND namespace = ? AND name = ?")
      .get(kind, namespace, name) as { body: string } | undefined;
    return row ? JSON.parse(row.body) as T : undefined;
  }

  list<T extends KObject = KObject>(kind: string, namespace?: string): T[] {
    const rows =
      (namespace === undefined
        ? this.#db.prepare("SELECT body FROM resources WHERE kind = ? ORDER BY namespace, name").all(kind)
        : this.#db.prepare("SELECT body FROM resources WHERE kind = ? AND namespace = ? ORDER BY name").all(
          kind,
          namespace,
        )) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as T);
  }

  /**
   * Creates or replaces an object's metadata and spec. Status is kept from the stored object
   * (it belongs to the reconcilers); generation moves only when the spec changes.
   */
  put<T extends KObject>(obj: T, now = new Date()): T {
    const { kind } = obj;
    const { namespace, name } = obj.metadata;
    const old = this.get<T>(kind, namespace, name);
    const next = nextObject(old, obj, now);
    return next === old ? old : this.#write(next, old);
  }

  /** Replaces an object's status; a no-op (no event) when nothing changed. */
  updateStatus<T extends KObject>(
    kind: string,
    namespace: string,
    name: string,
    status: T["status"],
  ): T | undefined {
    const old = this.get<T>(kind, namespace, name);
    if (!old) return undefined;
    if (sameJson(old.status, status)) return old;
    return this.#write({ ...old, status } as T, old);
  }

  /** The newest resourceVersion: every write and delete moves it by one. */
  get version(): number {
    return this.#version;
  }

  /** Deletes an object; its DELETED event carries a new resourceVersion, as Kubernetes' does. */
  delete(kind: string, namespace: string, name: string): KObject | undefined {
    const old = this.get(kind, namespace, name);
    if (!old) return undefined;
    this.#version++;
    this.#db.exec("BEGIN");
    try {
      this.#db.prepare("DELETE FROM resources WHERE kind = ? AND namespace = ? AND name = ?").run(
        kind,
        namespace,
        name,
      );
      this.#saveVersion();
      this.#db.exec("COMMIT");
    } catch (err) {
      this.#rollback();
      throw err;
    }
    const gone = { ...old, metadata: { ...old.metadata, resourceVersion: String(this.#version) } };
    this.#emit({ type: "DELETED", object: gone });
    return gone;
  }

  /**
   * Undoes a failed write and its version step. SQLite has already rolled back after some errors
   * (a full disk), and a second ROLLBACK would throw and hide the real error.
   */
  #rollback() {
    this.#version--;
    if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
  }

  watch(fn: Watcher): () => void {
    this.#watchers.add(fn);
    return () => this.#watchers.delete(fn);
  }

  close() {
    this.#db.close();
  }

  #write<T extends KObject>(obj: T, old: T | undefined): T {
    this.#version++;
    obj.metadata.resourceVersion = String(this.#version);
    this.#db.exec("BEGIN");
    try {
      this.#db.prepare(
        "INSERT OR REPLACE INTO resources (kind, namespace, name, body, version) VALUES (?, ?, ?, ?, ?)",
      )
        .run(obj.kind, obj.metadata.namespace, obj.metadata.name, JSON.stringify(obj), this.#version);
      this.#saveVersion();
      this.#db.exec("COMMIT");
    } catch (err) {
      this.#rollback();
      throw err;
    }
    this.#emit(old ? { type: "MODIFIED", object: obj, old } : { type: "ADDED", object: obj });
    return obj;
  }

  #saveVersion() {
    this.#db.prepare("INSERT OR REPLACE INTO counters (name, value) VALUES ('resourceVersion', ?)").run(
      this.#version,
    );
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
};

/**
 * What a put makes of `obj` given the stored `old`: uid, creation time and status kept, generation
 * moved when the spec changed. Returns `old` itself when nothing would change.
 */
export function nextObject<T extends KObject>(old: T | undefined, obj: T, now: Date): T {
  const next = structuredClone(obj);
  const specChanged = !old || !sameJson(specOf(old), specOf(next));
  next.metadata = {
    ...next.metadata,
    uid: old?.metadata.uid ?? crypto.randomUUID(),
    creationTimestamp: old?.metadata.creationTimestamp ?? now.toISOString(),
    generation: old ? (old.metadata.generation ?? 1) + (specChanged ? 1 : 0) : 1,
  };
  if (old?.status !== undefined) next.status = old.status;
  else if (!old) delete next.status;
  if (old && sameJson(withoutVersion(old), withoutVersion(next))) return old;
  return next;
}

/** Everything but metadata and status: what counts as the spec for generation purposes. */
function specOf(obj: KObject): string {
  const { metadata: _m, status: _s, ...rest } = obj;
  return canonicalJson(rest);
}

function withoutVersion(obj: KObject): unknown {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: undefined } };
}
