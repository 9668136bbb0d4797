/**
 * One revision's access lines, kept in columns: a line is a few numbers and two shared strings, not
 * an object. Why: a line is written for every request and kept for a while (the log's bound), so as
 * objects every one of them survived V8's young-generation collections: under load each scavenge
 * copied all the lines written since the last one (4-6 ms every ~90 ms here) and then promoted them
 * to the old generation. Lines become AccessLine objects only when someone reads them.
 *
 * Bounded: at most `capacity` lines, the oldest overwritten first; the columns start small and
 * double as lines come, so a quiet revision costs little.
 */
import { AccessLine } from "./log_entry.ts";

/** What one request's line holds. */
export interface AccessFields {
  time: number;
  instance: number | undefined;
  method: string;
  url: string;
  status: number;
  durationMs: number;
  coldStart: boolean;
  traceId?: string;
}

const INITIAL_ROOM = 64;
/** How many distinct method and URL strings are reused (a flood of distinct URLs only empties it). */
const POOLED_STRINGS = 256;

export class AccessRing {
  #time = new Float64Array(0);
  #duration = new Float64Array(0);
  #status = new Uint16Array(0);
  /** -1: served by no instance (refused, or timed out while held). */
  #instance = new Int32Array(0);
  #coldStart = new Uint8Array(0);
  #method: string[] = [];
  #url: string[] = [];
  #traceId: (string | undefined)[] = [];
  /** Where the oldest line is, and how many there are. */
  #first = 0;
  #size = 0;
  /**
   * Requests' URL strings are new each time: keeping each one would keep an object per line after
   * all. Equal ones share the string that came first.
   */
  #strings = new Map<string, string>();
  /** Set when the store let this ring go (every line expired): lines go to a new one. */
  detached = false;

  constructor(
    readonly namespace: string,
    readonly service: string,
    readonly revision: string,
    capacity: number,
  ) {
    this.capacity = Math.max(1, Math.floor(capacity));
  }

  readonly capacity: number;

  get size(): number {
    return this.#size;
  }

  /** When the newest line was written (0 when there is none). */
  get newest(): number {
    return this.#size === 0 ? 0 : this.#time[this.#slot(this.#size - 1)];
  }

  /** Adds a line; true when the oldest had to go to make room. */
  push(line: AccessFields): boolean {
    if (this.#size === this.#time.length && this.#size < this.capacity) this.#grow();
    const full = this.#size === this.capacity;
    const at = full ? this.#first : this.#slot(this.#size);
    this.#time[at] = line.time;
    this.#duration[at] = line.durationMs;
    this.#status[at] = line.status;
    this.#instance[at] = line.instance ?? -1;
    this.#coldStart[at] = line.coldStart ? 1 : 0;
    this.#method[at] = this.#pooled(line.method);
    this.#url[at] = this.#pooled(line.url);
    this.#traceId[at] = line.traceId;
    if (full) this.#first = (this.#first + 1) % this.#time.length;
    else this.#size++;
    return full;
  }

  /** The i-th line (0 = oldest) as an entry. */
  line(i: number): AccessLine {
    const at = this.#slot(i);
    const instance = this.#instance[at];
    const line = new AccessLine(
      this.#time[at],
      this.namespace,
      this.service,
      this.revision,
      instance < 0 ? undefined : instance,
      this.#method[at],
      this.#url[at],
      this.#status[at],
      this.#duration[at],
      this.#coldStart[at] === 1,
    );
    const traceId = this.#traceId[at];
    if (traceId !== undefined) line.traceId = traceId;
    return line;
  }

  /** The lines written at or after `since`, oldest first. */
  linesSince(since: number): AccessLine[] {
    // Times only grow: find the first one in range from the newest end.
    let i = this.#size;
    while (i > 0 && this.#time[this.#slot(i - 1)] >= since) i--;
    const out: AccessLine[] = [];
    for (; i < this.#size; i++) out.push(this.line(i));
    return out;
  }

  #slot(i: number): number {
    return (this.#first + i) % this.#time.length;
  }

  #pooled(s: string): string {
    const kept = this.#strings.get(s);
    if (kept !== undefined) return kept;
    if (this.#strings.size >= POOLED_STRINGS) this.#strings.clear();
    this.#strings.set(s, s);
    return s;
  }

  /** More room (double, up to capacity), the lines moved so that the oldest is first. */
  #grow() {
    const room = Math.min(this.capacity, Math.max(INITIAL_ROOM, this.#time.length * 2));
    const order = Array.from({ length: this.#size }, (_, i) => this.#slot(i));
    const time = new Float64Array(room);
    const duration = new Float64Array(room);
    const status = new Uint16Array(room);
    const instance = new Int32Array(room);
    const coldStart = new Uint8Array(room);
    const method: string[] = new Array(room);
    const url: string[] = new Array(room);
    const traceId: (string | undefined)[] = new Array(room);
    order.forEach((from, to) => {
      time[to] = this.#time[from];
      duration[to] = this.#duration[from];
      status[to] = this.#status[from];
      instance[to] = this.#instance[from];
      coldStart[to] = this.#coldStart[from];
      method[to] = this.#method[from];
      url[to] = this.#url[from];
      traceId[to] = this.#traceId[from];
    });
    this.#time = time;
    this.#duration = duration;
    this.#status = status;
    this.#instance = instance;
    this.#coldStart = coldStart;
    this.#method = method;
    this.#url = url;
    this.#traceId = traceId;
    this.#first = 0;
  }
}
