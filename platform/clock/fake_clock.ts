import type { Clock } from "./clock.ts";

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/** Lets every pending promise continuation run (a real macrotask drains the microtask queue). */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * A clock for tests: time only moves when told to. `run` drives a promise to completion, jumping straight to
 * the next timer whenever nothing else can make progress, so timing is exact and tests take no real time.
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];
  /** Every duration passed to `sleep`, in call order. */
  readonly sleeps: number[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  get pendingTimers(): number {
    return this.#timers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, resolve };
      this.#timers.push(timer);
      signal?.addEventListener("abort", () => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        resolve();
      }, { once: true });
    });
  }

  #fireNext(): void {
    this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const timer = this.#timers.shift()!;
    this.#now = Math.max(this.#now, timer.at);
    timer.resolve();
  }

  /** Moves time forward by `ms`, firing due timers in order and letting their continuations run. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await settle();
    while (this.#timers.some((t) => t.at <= target)) {
      this.#fireNext();
      await settle();
    }
    this.#now = target;
  }

  /** Awaits `promise`, advancing time timer by timer while it is pending. Throws when it can never settle. */
  async run<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    const tracked = promise.finally(() => {
      settled = true;
    });
    // Observed by the return below; this only keeps a rejection from being reported while time advances.
    tracked.catch(() => {});
    await settle();
    while (!settled) {
      if (this.#timers.length === 0) {
        throw new Error("FakeClock.run: the promise is pending and no timer is left");
      }
      this.#fireNext();
      await settle();
    }
    return tracked;
  }
}
