/**
 * Wakes deliveries that are backing off from a destination as soon as another delivery got through
 * to it. Without this, after an outage (or a platform restart while the subscriber was still
 * starting) each delivery waits out its own backoff, which with `linear` and many retries grows to
 * many seconds per attempt: the subscriber is back, and events trickle in for a minute or more.
 */
import type { Clock } from "./clock.ts";

export class DestinationRecovery {
  #sleepers = new Map<string, Set<() => void>>();

  constructor(private readonly clock: Clock) {}

  /** Waits `ms`, or less if `destination` takes a delivery meanwhile. */
  sleep(destination: string, ms: number): Promise<void> {
    let set = this.#sleepers.get(destination);
    if (!set) this.#sleepers.set(destination, set = new Set());
    const sleepers = set;
    const stop = new AbortController();
    const wake = () => stop.abort();
    sleepers.add(wake);
    return this.clock.sleep(ms, stop.signal).finally(() => {
      sleepers.delete(wake);
      if (sleepers.size === 0 && this.#sleepers.get(destination) === sleepers) {
        this.#sleepers.delete(destination);
      }
    });
  }

  /** `destination` accepted a delivery: whoever is backing off from it tries again now. */
  delivered(destination: string) {
    const sleepers = this.#sleepers.get(destination);
    if (!sleepers) return;
    for (const wake of [...sleepers]) wake();
  }

  /** Deliveries backing off, per destination (for tests and metrics). */
  waiting(destination: string): number {
    return this.#sleepers.get(destination)?.size ?? 0;
  }
}
