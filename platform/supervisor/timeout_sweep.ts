/**
 * Request deadlines checked by one periodic sweep instead of a timer per request (timers were a
 * visible share of the hot path). A request may overrun its deadline by up to one interval.
 *
 * The entries are kept in an array, each knowing its place (removal swaps the last one in), not in
 * a Map: with an entry per request a Map kept every request's objects alive until a full GC (see
 * runtime/id_table.ts).
 */
import type { Clock } from "../clock/clock.ts";

/** What the sweep keeps on each of its entries. */
export interface SweepEntry {
  /** Clock time after which the entry expires. */
  deadline: number;
  /** Its place in the sweep; -1 while not in it. */
  sweepIndex: number;
}

export class TimeoutSweep<T extends SweepEntry> {
  #entries: T[] = [];
  #sweeping = false;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    /** Called once for each entry whose deadline passed; it is removed first. */
    private readonly expired: (entry: T) => void,
  ) {}

  get size(): number {
    return this.#entries.length;
  }

  /** Adds the entry, or moves its deadline if it is in already. */
  add(entry: T, deadline: number) {
    entry.deadline = deadline;
    if (entry.sweepIndex < 0) entry.sweepIndex = this.#entries.push(entry) - 1;
    if (!this.#sweeping) this.#sweep();
  }

  delete(entry: T) {
    const at = entry.sweepIndex;
    if (at < 0) return;
    entry.sweepIndex = -1;
    const last = this.#entries.pop()!;
    if (last === entry) return;
    this.#entries[at] = last;
    last.sweepIndex = at;
  }

  clear() {
    for (const entry of this.#entries) entry.sweepIndex = -1;
    this.#entries = [];
  }

  async #sweep() {
    this.#sweeping = true;
    while (this.#entries.length > 0) {
      await this.clock.sleep(this.intervalMs);
      const now = this.clock.now();
      const due = this.#entries.filter((entry) => now >= entry.deadline);
      for (const entry of due) {
        // An earlier callback may have removed it, or moved its deadline.
        if (entry.sweepIndex < 0 || now < entry.deadline) continue;
        this.delete(entry);
        this.expired(entry);
      }
    }
    this.#sweeping = false;
  }
}
