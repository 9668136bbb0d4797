/**
 * Carries Deno's caches of a revision's code from one instance slot to the next.
 *
 * Deno keeps what it learns about a module in sqlite caches under DENO_DIR, keyed by the module's
 * URL: V8's compiled code, and the module's dependency analysis (a full parse of its source). Every
 * instance loads its code from a slot of its own (`file:///…/slots/<pid>-<n>/.main.resolved.js`, see
 * host_launcher.ts), a URL no instance loaded before, so without this each cold start would parse and
 * compile its code again: about 6 ms of CPU for a bundled Hono app, more for larger dependencies.
 *
 * - `keep` (once an instance has loaded): its slot's entries are stored under the bundle's own URL
 *   prefix (`file://<bundleDir>/`, a URL no isolate loads: it may read only its slot);
 * - `prime` (before an instance starts): the bundle's entries are copied to the new slot's URLs;
 * - `forget` (when it stops): its slot's entries are removed, and so is Deno's TypeScript output for
 *   the slot's modules (`gen/file/<slot>/`), so neither piles up, one set per start.
 *
 * Deno checks every entry against a hash of the source it actually loads, and V8 checks its code cache
 * again, so an entry that does not fit is ignored and rebuilt, never used. The tables are Deno's own
 * (the pinned version's); when they are not what this expects, nothing is carried and starts are only
 * slower. Writes never wait for a lock: a busy cache is skipped, not waited for, on the request path.
 */
import { DatabaseSync } from "node:sqlite";
import type { Logger } from "../log.ts";

/** Deno's per-module cache tables (DENO_DIR file, table, columns after `specifier`). */
const TABLES = [
  { file: "v8_code_cache_v2", table: "codecache", columns: "type, source_hash, data" },
  {
    file: "dep_analysis_cache_v2",
    table: "moduleinfocache",
    columns: "media_type, source_hash, module_info",
  },
] as const;

/**
 * The range of keys that start with `prefix` (which ends with `/`), as bounds for an indexed
 * `key >= low AND key < high`: `/` + 1 is `0`, so `high` sorts after every key under the prefix.
 */
export function prefixRange(prefix: string): { low: string; high: string } {
  if (!prefix.endsWith("/")) throw new Error(`a directory prefix ends with "/": ${prefix}`);
  return { low: prefix, high: `${prefix.slice(0, -1)}0` };
}

/** The URL prefix of every module under a directory. */
export function moduleUrlPrefix(dir: string): string {
  return `${new URL(`file://${dir}`).href.replace(/\/$/, "")}/`;
}

interface Table {
  db: DatabaseSync;
  copy: ReturnType<DatabaseSync["prepare"]>;
  remove: ReturnType<DatabaseSync["prepare"]>;
}

export class SlotCodeCache {
  #tables: Table[] | undefined;
  #kept = new Set<string>();
  #warned = false;

  constructor(private readonly denoDir: string, private readonly log: Logger) {}

  /** Copies the bundle's entries to the slot's URLs (before its instance loads the code). */
  prime(bundleDir: string, slot: string): void {
    this.#copy(moduleUrlPrefix(bundleDir), moduleUrlPrefix(slot));
  }

  /** Stores what the instance in `slot` left in the caches as the bundle's (once per bundle). */
  keep(bundleDir: string, slot: string): void {
    if (this.#kept.has(bundleDir)) return;
    if (this.#copy(moduleUrlPrefix(slot), moduleUrlPrefix(bundleDir)) > 0) this.#kept.add(bundleDir);
  }

  /** Removes the slot's entries (its instance has stopped); resolves once its TypeScript output is gone. */
  forget(slot: string): Promise<void> {
    const { low, high } = prefixRange(moduleUrlPrefix(slot));
    for (const t of this.#open()) this.#try("forget", () => t.remove.run(low, high));
    return Deno.remove(`${this.denoDir}/gen/file${slot}`, { recursive: true }).catch(() => {});
  }

  close(): void {
    for (const t of this.#tables ?? []) t.db.close();
    this.#tables = [];
  }

  /** Copies every entry under `from` to the same path under `to`; how many rows were copied. */
  #copy(from: string, to: string): number {
    const { low, high } = prefixRange(from);
    let copied = 0;
    for (const t of this.#open()) {
      this.#try("copy", () => {
        copied += Number(t.copy.run(to, from.length + 1, low, high).changes);
      });
    }
    return copied;
  }

  #try(what: string, run: () => void) {
    try {
      run();
    } catch (err) {
      this.#failed(what, err);
    }
  }

  /** A pool host is writing (SQLITE_BUSY), or the tables are not what this expects: only slower. */
  #failed(what: string, err: unknown) {
    const message = (err as Error).message;
    if (this.#warned || /busy|locked/i.test(message)) return;
    this.#warned = true;
    this.log.warn(`carrying a code cache between slots failed (not logged again): ${what}: ${message}`);
  }

  /** The tables, opened on first use once Deno has made them (the first pool host creates them). */
  #open(): Table[] {
    if (this.#tables) return this.#tables;
    const paths = TABLES.map((t) => `${this.denoDir}/${t.file}`);
    if (!paths.every(exists)) return [];
    const tables: Table[] = [];
    try {
      for (const [i, { table, columns }] of TABLES.entries()) {
        const db = new DatabaseSync(paths[i]);
        tables.push({ db } as Table);
        // A cache: never wait for a lock, never flush to disk for it.
        db.exec("PRAGMA busy_timeout = 0; PRAGMA synchronous = OFF;");
        tables[i].copy = db.prepare(
          `INSERT OR REPLACE INTO ${table} (specifier, ${columns}) ` +
            `SELECT ? || substr(specifier, ?), ${columns} FROM ${table} WHERE specifier >= ? AND specifier < ?`,
        );
        tables[i].remove = db.prepare(`DELETE FROM ${table} WHERE specifier >= ? AND specifier < ?`);
      }
      this.#tables = tables;
    } catch (err) {
      // Not the tables this expects (another Deno version), or Deno is still making them.
      for (const t of tables) t.db.close();
      this.#failed("opening Deno's caches", err);
    }
    return this.#tables ?? [];
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
