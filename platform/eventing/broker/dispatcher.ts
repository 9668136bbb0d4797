/**
 * Runs the deliveries in the broker's log, one lane per trigger: at most `concurrency` deliveries
 * of a trigger at once, fed from memory as events are committed (no polling), and from the log in
 * pages when a lane fell behind its memory bound or after a restart. A delivery is marked started
 * (durably) before its first attempt, so one found started after a crash counts as a possible
 * duplicate; it leaves the log only when it ended (delivered, dead-lettered or dropped).
 */
import type { AppendRequest, CommitBatcher } from "./commit_batcher.ts";
import type { DeliveryRow, EventLog } from "./event_log.ts";

export interface DispatcherOptions {
  log: EventLog;
  batcher: CommitBatcher;
  /** Delivers one row; resolves with replies to put back into the log with its completion. */
  deliver: (row: DeliveryRow) => Promise<AppendRequest[]>;
  /** A row that was started before a restart is about to be delivered again. */
  redelivering?: (row: DeliveryRow) => void;
  /** Deliveries of one trigger in flight at once. */
  concurrency: number;
  /** Rows a lane keeps in memory before leaving the rest to be paged in from the log. */
  memoryLimit?: number;
  pageSize?: number;
}

interface Lane {
  uid: string;
  queue: DeliveryRow[];
  head: number;
  inFlight: number;
  /** The highest row id handed to this lane; pages continue after it. */
  cursor: number;
  /** More rows wait in the log than in memory. */
  spilled: boolean;
  removed: boolean;
}

export class Dispatcher {
  #lanes = new Map<string, Lane>();
  #started = false;
  #stopped = false;
  #running = new Set<Promise<void>>();
  #memoryLimit: number;
  #pageSize: number;

  constructor(private readonly opts: DispatcherOptions) {
    this.#memoryLimit = opts.memoryLimit ?? 10_000;
    this.#pageSize = opts.pageSize ?? 500;
  }

  /** Picks up the deliveries a previous run left in the log (call once, at start). */
  resume(triggerUids: Iterable<string>) {
    for (const uid of triggerUids) {
      const lane = this.#lane(uid);
      lane.spilled = true;
      this.#pump(lane);
    }
  }

  /** Begins delivering (rows offered before wait in memory or in the log until then). */
  start() {
    this.#started = true;
    for (const lane of this.#lanes.values()) this.#pump(lane);
  }

  /** Newly committed rows. */
  offer(rows: DeliveryRow[]) {
    const touched = new Set<Lane>();
    for (const row of rows) {
      const lane = this.#lane(row.triggerUid);
      if (lane.removed) continue;
      if (!lane.spilled && lane.queue.length - lane.head < this.#memoryLimit) {
        lane.queue.push(row);
        lane.cursor = row.id;
      } else lane.spilled = true;
      touched.add(lane);
    }
    for (const lane of touched) this.#pump(lane);
  }

  /** Stops a deleted trigger's lane; rows still in flight finish, nothing new starts. */
  removeTrigger(uid: string) {
    const lane = this.#lanes.get(uid);
    if (!lane) return;
    lane.removed = true;
    lane.queue = [];
    lane.head = 0;
    this.#lanes.delete(uid);
  }

  /** Deliveries waiting in memory or running, per trigger. */
  inMemory(): Map<string, number> {
    return new Map([...this.#lanes].map(([uid, l]) => [uid, l.queue.length - l.head + l.inFlight]));
  }

  /** Starts nothing new and waits (at most `graceMs`) for running deliveries. */
  async stop(graceMs: number) {
    this.#stopped = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.allSettled([...this.#running]),
      new Promise((r) => (timer = setTimeout(r, graceMs))),
    ]);
    clearTimeout(timer);
  }

  /** Resolves when no delivery is running or queued in memory (for tests). */
  async idle() {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  #lane(uid: string): Lane {
    let lane = this.#lanes.get(uid);
    if (!lane) {
      lane = { uid, queue: [], head: 0, inFlight: 0, cursor: 0, spilled: false, removed: false };
      this.#lanes.set(uid, lane);
    }
    return lane;
  }

  #next(lane: Lane): DeliveryRow | undefined {
    if (lane.head >= lane.queue.length && lane.spilled) {
      const page = this.opts.log.page(lane.uid, lane.cursor, this.#pageSize);
      lane.queue = page;
      lane.head = 0;
      if (page.length > 0) lane.cursor = page[page.length - 1].id;
      if (page.length < this.#pageSize) lane.spilled = false;
    }
    if (lane.head >= lane.queue.length) {
      if (lane.queue.length > 0) {
        lane.queue = [];
        lane.head = 0;
      }
      return undefined;
    }
    const row = lane.queue[lane.head];
    lane.queue[lane.head++] = undefined as unknown as DeliveryRow;
    return row;
  }

  #pump(lane: Lane) {
    while (this.#started && !this.#stopped && !lane.removed && lane.inFlight < this.opts.concurrency) {
      const row = this.#next(lane);
      if (!row) return;
      lane.inFlight++;
      const running = this.#run(lane, row).finally(() => {
        this.#running.delete(running);
        lane.inFlight--;
        this.#pump(lane);
      });
      this.#running.add(running);
    }
  }

  async #run(lane: Lane, row: DeliveryRow) {
    try {
      if (row.started) this.opts.redelivering?.(row);
      await this.opts.batcher.markStarted(row.id);
      if (lane.removed) return;
      const replies = await this.opts.deliver(row);
      this.opts.batcher.complete(row.id, row.eventSeq, replies);
    } catch (err) {
      // Shutting down (or the log failed): the row stays in the log and is delivered after a restart.
      if (!this.#stopped) console.error(`broker delivery ${row.id} failed unexpectedly:`, err);
    }
  }
}
