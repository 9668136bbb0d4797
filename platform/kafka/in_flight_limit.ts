/**
 * A bound on deliveries in flight (a counting semaphore): `acquire()` waits while the bound is
 * reached, `release()` lets the longest waiter in. Shared by the partitions of one unordered
 * KafkaSource, so the source as a whole never has more than `limit` events at its sink.
 */
export class InFlightLimit {
  #active = 0;
  #waiters: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`the limit must be a positive integer, not ${limit}`);
    }
  }

  get active(): number {
    return this.#active;
  }

  acquire(): Promise<void> {
    if (this.#active < this.limit) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  release() {
    const next = this.#waiters.shift();
    if (next) next(); // the slot passes straight to the waiter
    else if (this.#active > 0) this.#active--;
  }
}
