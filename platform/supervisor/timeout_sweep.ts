/**
 * Request deadlines checked by one periodic sweep instead of a timer per request (timers were a
 * visible share of the hot path). A request may overrun its deadline by up to one interval.
 */
import type { Clock } from "../clock/clock.ts";

export class TimeoutSweep<T> {
  #deadlines = new Map<T, number>();
  #sweeping = false;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    /** Called once for each entry whose deadline passed; it is removed first. */
    private readonly expired: (entry: T) => void,
  ) {}

  get size(): number {
    return this.#deadlines.size;
  }

  add(entry: T, deadline: number) {
    this.#deadlines.set(entry, deadline);
    if (!this.#sweeping) this.#sweep();
  }

  delete(entry: T) {
    this.#deadlines.delete(entry);
  }

  clear() {
    this.#deadlines.clear();
  }

  async #sweep() {
    this.#sweeping = true;
    while (this.#deadlines.size > 0) {
      await this.clock.sleep(this.intervalMs);
      const now = this.clock.now();
      for (const [entry, deadline] of this.#deadlines) {
        if (now < deadline) continue;
        this.#deadlines.delete(entry);
        this.expired(entry);
      }
    }
    this.#sweeping = false;
  }
}
