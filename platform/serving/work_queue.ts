/**
 * Runs reconciles keyed by object: a key is never reconciled twice at once, and a key enqueued
 * while it runs is run once more afterwards. A thrown error means "try again" after a backoff.
 */
import type { Logger } from "../log.ts";

export type ReconcileFn = (key: string) => Promise<void>;

const RETRY_BASE_MS = 200;
const RETRY_MAX_MS = 10_000;

export class WorkQueue {
  #running = new Set<string>();
  #dirty = new Set<string>();
  #failures = new Map<string, number>();
  #idleWaiters: (() => void)[] = [];
  #stopped = false;

  constructor(private readonly reconcile: ReconcileFn, private readonly log: Logger) {}

  enqueue(key: string) {
    if (this.#stopped) return;
    if (this.#running.has(key)) {
      this.#dirty.add(key);
      return;
    }
    this.#run(key);
  }

  /** Resolves when nothing is running (for tests and start-up). */
  idle(): Promise<void> {
    if (this.#running.size === 0) return Promise.resolve();
    return new Promise((r) => this.#idleWaiters.push(r));
  }

  stop() {
    this.#stopped = true;
  }

  async #run(key: string) {
    this.#running.add(key);
    try {
      await this.reconcile(key);
      this.#failures.delete(key);
    } catch (err) {
      const n = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, n);
      const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (n - 1));
      this.log.warn(`reconciling ${key} failed (attempt ${n}), retrying in ${delay} ms: ${err}`);
      setTimeout(() => this.enqueue(key), delay);
    } finally {
      this.#running.delete(key);
      if (this.#dirty.delete(key)) this.enqueue(key);
      if (this.#running.size === 0) { for (const w of this.#idleWaiters.splice(0)) w(); }
    }
  }
}
