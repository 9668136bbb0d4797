/**
 * Smooth weighted round-robin (nginx's): deterministic, and with weights that sum to 100 every run
 * of 100 consecutive picks follows the percents exactly, so any 100 consecutive requests are within
 * one request of them. Knative's weighted random is only right on average.
 */
export class SmoothWeightedRoundRobin<T> {
  #items: T[];
  #weights: number[];
  #current: number[];
  #total: number;

  constructor(entries: { item: T; weight: number }[]) {
    const live = entries.filter((e) => e.weight > 0);
    this.#items = live.map((e) => e.item);
    this.#weights = live.map((e) => e.weight);
    this.#current = live.map(() => 0);
    this.#total = this.#weights.reduce((a, b) => a + b, 0);
  }

  get size(): number {
    return this.#items.length;
  }

  /** The next item, or undefined when every weight is 0. */
  next(): T | undefined {
    const n = this.#items.length;
    if (n <= 1) return this.#items[0];
    let best = 0;
    for (let i = 0; i < n; i++) {
      this.#current[i] += this.#weights[i];
      if (this.#current[i] > this.#current[best]) best = i;
    }
    this.#current[best] -= this.#total;
    return this.#items[best];
  }
}
