/**
 * Time-weighted concurrency (requests in flight or held) and request counts of one revision, the
 * way Knative's queue-proxy and activator report them. The meter only accumulates; each reader
 * keeps its own MeterReading cursor, so two readers never reset each other's window.
 */
import type { Clock } from "../clock/clock.ts";

/** Cumulative totals at one moment. */
export interface MeterTotals {
  /** Integral of concurrency over time, request·ms. */
  area: number;
  /** Requests that arrived, ever. */
  requests: number;
  at: number;
}

export class ConcurrencyMeter {
  #current = 0;
  #area = 0;
  #lastChange: number;
  #requests = 0;

  constructor(private readonly clock: Clock) {
    this.#lastChange = clock.now();
  }

  /** Requests in flight or held right now. */
  get current(): number {
    return this.#current;
  }

  enter() {
    this.#advance();
    this.#current++;
    this.#requests++;
  }

  leave() {
    this.#advance();
    this.#current = Math.max(0, this.#current - 1);
  }

  totals(): MeterTotals {
    this.#advance();
    return { area: this.#area, requests: this.#requests, at: this.#lastChange };
  }

  #advance() {
    const now = this.clock.now();
    this.#area += this.#current * Math.max(0, now - this.#lastChange);
    this.#lastChange = now;
  }
}

/** One reader's view of a meter: average concurrency and request count since its previous read. */
export class MeterReading {
  #last: MeterTotals | null = null;

  read(totals: MeterTotals, current: number): { concurrency: number; requests: number } {
    const last = this.#last;
    this.#last = totals;
    if (!last) return { concurrency: current, requests: 0 };
    const span = totals.at - last.at;
    return {
      concurrency: span > 0 ? (totals.area - last.area) / span : current,
      requests: totals.requests - last.requests,
    };
  }
}
