/**
 * The one work queue every controller runs its reconciles on (serving, brokers, sources, channels,
 * flows, Kafka): keyed, level-based, as Kubernetes' controller work queues.
 * - Keys enqueued in one event-loop turn run together in the next turn, each once: a store change
 *   has reached every watcher before anything reconciles, and a burst of changes costs one run.
 * - A key never runs twice at once; a key enqueued while it runs runs once more afterwards.
 * - A failed reconcile (throw or rejection) is retried after a backoff that doubles per failure in a
 *   row (`retryDelay`), on the injected clock; a success resets it.
 */
import { after, type Clock, systemClock } from "../clock/clock.ts";
import type { Logger } from "../log.ts";
import { RECONCILE_RETRY, type RetryBackoff, retryDelay } from "./retry_backoff.ts";

/** What a controller does for one key: makes the world match the stored object the key names. */
export interface Reconciler {
  reconcile(key: string): void | Promise<void>;
}

export interface ReconcileQueueOptions {
  /** Names the controller in log lines. */
  name: string;
  log: Logger;
  clock?: Clock;
  backoff?: RetryBackoff;
}

export class ReconcileQueue {
  #pending = new Set<string>();
  #running = new Set<string>();
  /** Enqueued while running: run again when the current run ends. */
  #again = new Set<string>();
  #failures = new Map<string, number>();
  #retries = new Map<string, () => void>();
  #turn: ReturnType<typeof setTimeout> | undefined;
  #idleWaiters: (() => void)[] = [];
  #stopped = false;
  readonly #clock: Clock;
  readonly #backoff: RetryBackoff;

  constructor(private readonly reconciler: Reconciler, private readonly options: ReconcileQueueOptions) {
    this.#clock = options.clock ?? systemClock;
    this.#backoff = options.backoff ?? RECONCILE_RETRY;
  }

  enqueue(key: string) {
    if (this.#stopped) return;
    if (this.#running.has(key)) {
      this.#again.add(key);
      return;
    }
    this.#pending.add(key);
    this.#turn ??= setTimeout(() => this.#runPending(), 0);
  }

  /** Drops what is queued or scheduled for a key (its object is gone); a run in progress finishes. */
  forget(key: string) {
    this.#pending.delete(key);
    this.#again.delete(key);
    this.#failures.delete(key);
    this.#retries.get(key)?.();
    this.#retries.delete(key);
  }

  /** Failures in a row of a key (0 after a success). */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Resolves when nothing is queued or running (a scheduled retry does not count). */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  stop() {
    this.#stopped = true;
    clearTimeout(this.#turn);
    this.#turn = undefined;
    this.#pending.clear();
    this.#again.clear();
    for (const cancel of this.#retries.values()) cancel();
    this.#retries.clear();
    this.#wakeIdle();
  }

  #runPending() {
    this.#turn = undefined;
    const keys = [...this.#pending];
    this.#pending.clear();
    for (const key of keys) {
      if (this.#stopped) break;
      this.#run(key);
    }
    this.#wakeIdle();
  }

  async #run(key: string) {
    this.#running.add(key);
    try {
      await this.reconciler.reconcile(key);
      this.#failures.delete(key);
      this.#retries.get(key)?.();
      this.#retries.delete(key);
    } catch (err) {
      this.#retryLater(key, err);
    } finally {
      this.#running.delete(key);
      if (this.#again.delete(key)) this.enqueue(key);
      this.#wakeIdle();
    }
  }

  #retryLater(key: string, err: unknown) {
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    if (this.#stopped) return;
    const delay = retryDelay(failures, this.#backoff);
    this.options.log.warn(
      `${this.options.name}: reconciling ${key} failed (attempt ${failures}), retrying in ${delay} ms: ${err}`,
    );
    this.#retries.get(key)?.();
    this.#retries.set(
      key,
      after(this.#clock, delay, () => {
        this.#retries.delete(key);
        this.enqueue(key);
      }),
    );
  }

  #isIdle(): boolean {
    return this.#stopped || (this.#pending.size === 0 && this.#running.size === 0 && this.#again.size === 0);
  }

  #wakeIdle() {
    if (this.#isIdle()) { for (const wake of this.#idleWaiters.splice(0)) wake(); }
  }
}
