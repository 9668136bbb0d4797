/**
 * Entries by numeric id (a request's stream number), for tables with an entry per request.
 *
 * Not a Map: under load a Map with that much churn replaces its hash table every few dozen entries,
 * and V8 keeps each replaced table pointing at its successor (for iterators) and at the entries it
 * held. Once such a table is in the old generation, that chain kept every request's objects alive
 * through the young-generation collections, so all of them were promoted and only freed by full
 * collections (measured: a quarter of all allocation promoted, the GC threads busy). An object with
 * integer keys keeps its entries in a dictionary that does not link to the one it replaces.
 */
export class IdTable<T> {
  #entries: Record<number, T | undefined> = {};
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get(id: number): T | undefined {
    return this.#entries[id];
  }

  has(id: number): boolean {
    return this.#entries[id] !== undefined;
  }

  set(id: number, value: T) {
    if (this.#entries[id] === undefined) this.#size++;
    this.#entries[id] = value;
  }

  /** Removes the entry; true when there was one. */
  delete(id: number): boolean {
    if (this.#entries[id] === undefined) return false;
    delete this.#entries[id];
    this.#size--;
    return true;
  }

  /** The entries now (a copy: the table may change while they are handled). */
  values(): T[] {
    return Object.values(this.#entries) as T[];
  }
}
