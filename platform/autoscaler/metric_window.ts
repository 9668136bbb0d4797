/**
 * Per-second buckets of an observed metric (concurrency or requests), averaged over the stable and panic
 * windows. Pure: every call takes the time (`now`, epoch ms) explicitly, nothing reads a clock.
 *
 * Recording: values recorded into the same second add up, as in Knative, where each bucket holds the sum of
 * the per-instance stats scraped that second. Record one sample per source per second for concurrency (the
 * time-averaged in-flight count of an instance, or of the activator's queue), or one per request for rps.
 *
 * Averaging follows Knative's `TimedFloat64Buckets.WindowAverage` with one deliberate difference: a second
 * with no record counts as 0 (Denative pushes observations; a silent second is an idle second), where Knative
 * shortens the window to the last scrape. Like Knative, the window only reaches back to the first record
 * after a silence of a whole capacity-length, so a revision that just woke averages over the seconds it has
 * data for instead of diluting a burst with a minute of zeros.
 */

export interface WindowAverages {
  /** Average per second over the stable window (sum over instances). */
  readonly stableValue: number;
  /** Average per second over the panic window. */
  readonly panicValue: number;
}

export class MetricWindow {
  readonly #values: Float64Array;
  readonly #stamps: Float64Array;
  readonly #granularityMs: number;
  /** Bucket index of the first record since the last long silence, or null before any record. */
  #first: number | null = null;
  /** Bucket index of the newest record. */
  #last: number | null = null;
  #lastNonZero: number | null = null;

  /**
   * @param capacityMs the longest window that will be asked for (the stable window, at most 1 h).
   * @param granularityMs bucket width, 1 s like Knative.
   */
  constructor(capacityMs: number, granularityMs = 1000) {
    if (!(capacityMs > 0) || !(granularityMs > 0)) {
      throw new RangeError("capacity and granularity must be > 0");
    }
    const size = Math.ceil(capacityMs / granularityMs);
    this.#values = new Float64Array(size);
    this.#stamps = new Float64Array(size).fill(-1);
    this.#granularityMs = granularityMs;
  }

  /** Number of buckets kept. */
  get size(): number {
    return this.#values.length;
  }

  /** Adds `value` to the bucket of `now`. Records older than the capacity (relative to the newest) are dropped. */
  record(now: number, value: number): void {
    if (!Number.isFinite(value)) return;
    const bucket = this.#bucket(now);
    if (this.#last !== null) {
      if (bucket <= this.#last - this.size) return;
      // A silence of a whole capacity: start averaging afresh from this record.
      if (bucket - this.#last >= this.size) this.#first = bucket;
      else if (bucket < this.#first!) this.#first = bucket;
    } else {
      this.#first = bucket;
    }
    const slot = bucket % this.size;
    if (this.#stamps[slot] !== bucket) {
      this.#stamps[slot] = bucket;
      this.#values[slot] = 0;
    }
    this.#values[slot] += value;
    if (this.#last === null || bucket > this.#last) this.#last = bucket;
    if (value !== 0 && (this.#lastNonZero === null || bucket > this.#lastNonZero)) this.#lastNonZero = bucket;
  }

  /**
   * Average per bucket over the `windowMs` ending with the bucket of `now` (inclusive). Seconds without a
   * record count as 0; the window is shortened to start at the first record after a long silence.
   */
  average(now: number, windowMs: number): number {
    if (this.#first === null || this.#last === null) return 0;
    const current = this.#bucket(now);
    const length = Math.min(this.size, Math.max(1, Math.ceil(windowMs / this.#granularityMs)));
    if (current - this.#last >= length) return 0;
    const from = Math.max(current - length + 1, this.#first);
    if (from > current) return 0;
    let sum = 0;
    for (let bucket = from; bucket <= current; bucket++) {
      const slot = bucket % this.size;
      if (this.#stamps[slot] === bucket) sum += this.#values[slot];
    }
    return roundTo6(sum / (current - from + 1));
  }

  /** Stable and panic averages for a spec's windows. */
  averages(
    now: number,
    windows: { readonly stableWindowMs: number; readonly panicWindowMs: number },
  ): WindowAverages {
    return {
      stableValue: this.average(now, windows.stableWindowMs),
      panicValue: this.average(now, windows.panicWindowMs),
    };
  }

  /** Start (epoch ms) of the newest second with a non-zero record, null if none: "last saw traffic at". */
  get lastNonZeroAt(): number | null {
    return this.#lastNonZero === null ? null : this.#lastNonZero * this.#granularityMs;
  }

  #bucket(now: number): number {
    return Math.floor(now / this.#granularityMs);
  }
}

function roundTo6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
