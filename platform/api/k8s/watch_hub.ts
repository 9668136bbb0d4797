/**
 * The watch cache behind `?watch=true`: it keeps the store's latest changes in memory so a watch
 * can resume from a resourceVersion, and fans changes out to open watches. A watch from a version
 * older than what is kept is refused (410 Expired), and the client lists again.
 */
import type { WatchEvent } from "../../store/resource_store.ts";

export type WatchListener = (event: WatchEvent) => void;

export interface ChangeSource {
  readonly version: number;
  watch(fn: (event: WatchEvent) => void): () => void;
}

export class WatchHub {
  #history: WatchEvent[] = [];
  #listeners = new Set<WatchListener>();
  /** A watch from this version or later can be served from history. */
  #oldestResumable: number;
  #unwatch: () => void;

  constructor(private readonly source: ChangeSource, private readonly historySize: number) {
    this.#oldestResumable = source.version;
    this.#unwatch = source.watch((event) => this.#record(event));
  }

  get version(): number {
    return this.source.version;
  }

  /**
   * Listens from `fromVersion` (replaying what came after it), or from now when undefined.
   * Returns undefined when that version is too old to resume from.
   */
  listen(fromVersion: number | undefined, listener: WatchListener): (() => void) | undefined {
    if (fromVersion !== undefined) {
      if (fromVersion < this.#oldestResumable) return undefined;
      for (const event of this.#history) {
        if (versionOf(event) > fromVersion) listener(event);
      }
    }
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get watchers(): number {
    return this.#listeners.size;
  }

  close() {
    this.#unwatch();
    this.#listeners.clear();
  }

  #record(event: WatchEvent) {
    this.#history.push(event);
    if (this.#history.length > this.historySize) {
      const dropped = this.#history.splice(0, this.#history.length - this.historySize);
      this.#oldestResumable = versionOf(dropped[dropped.length - 1]);
    }
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        console.error("a watch listener failed:", err);
      }
    }
  }
}

export function versionOf(event: WatchEvent): number {
  return Number(event.object.metadata.resourceVersion ?? 0);
}
