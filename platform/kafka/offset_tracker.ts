/**
 * Which records of one batch are done (delivered or dead-lettered), and the offset that may be
 * committed: the last one before the first record still undone. Records finish in any order when
 * they are delivered concurrently; the commit point only moves over a contiguous run of done ones,
 * so nothing after an unfinished record is ever committed. Records are named by their index in the
 * batch, so gaps in the offsets (compaction, transaction markers) do not matter.
 */
export class OffsetTracker {
  #done: boolean[];
  #next = 0;

  constructor(private readonly offsets: readonly string[]) {
    this.#done = offsets.map(() => false);
  }

  /**
   * Marks the record at `index` done; returns the offset to acknowledge when the commit point moved
   * (the highest offset whose record and every earlier one are done), else undefined.
   */
  done(index: number): string | undefined {
    if (index < 0 || index >= this.#done.length) throw new RangeError(`no record ${index} in this batch`);
    this.#done[index] = true;
    const before = this.#next;
    while (this.#next < this.#done.length && this.#done[this.#next]) this.#next++;
    return this.#next > before ? this.offsets[this.#next - 1] : undefined;
  }

  /** How many records, from the first, are done without a gap. */
  get contiguous(): number {
    return this.#next;
  }

  get allDone(): boolean {
    return this.#next === this.#done.length;
  }
}
