/**
 * Group commit for the broker's log: ingress appends, "delivery started" marks and completions
 * gathered during one turn of the event loop are written in a single SQLite transaction, and only
 * then are their callers answered (an ingress 202 waits for the commit that holds its event). One
 * transaction per tick instead of one per event is what lets the broker take thousands of events a
 * second while staying durable.
 */
import { setImmediate } from "node:timers";
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import type { DeliveryRow, EventLog } from "./event_log.ts";

export interface AppendRequest {
  namespace: string;
  broker: string;
  events: CloudEvent[];
}

export interface CommitHooks {
  /** The triggers (by uid) an event goes to, decided when it is written. */
  fanout(namespace: string, broker: string, event: CloudEvent): string[];
  /** Delivery rows just committed, to be dispatched. */
  committed(rows: DeliveryRow[]): void;
  now(): number;
  /** A failed commit (the log is unwritable); appends in it are refused, completions kept for later. */
  failed?(err: unknown): void;
}

/** How an append ended: events written and deliveries created (events no trigger wants are not kept). */
export interface AppendResult {
  stored: number;
  deliveries: number;
}

interface PendingAppend {
  request: AppendRequest;
  resolve: (r: AppendResult) => void;
  reject: (err: unknown) => void;
}

interface PendingCompletion {
  id: number;
  eventSeq: number;
  replies: AppendRequest[];
}

const RETRY_AFTER_FAILURE_MS = 1000;

export class CommitBatcher {
  #appends: PendingAppend[] = [];
  #marks: { id: number; resolve: () => void }[] = [];
  #completions: PendingCompletion[] = [];
  #scheduled = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(private readonly log: EventLog, private readonly hooks: CommitHooks) {}

  /** Resolves once the events are durably stored (with their deliveries); rejects if they are not. */
  append(request: AppendRequest): Promise<AppendResult> {
    if (this.#closed) return Promise.reject(new Error("the broker is shutting down"));
    return new Promise((resolve, reject) => {
      this.#appends.push({ request, resolve, reject });
      this.#schedule();
    });
  }

  /** Resolves once the delivery is recorded as started (so a crash after it counts as a duplicate). */
  markStarted(id: number): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("the broker is shutting down"));
    return new Promise((resolve) => {
      this.#marks.push({ id, resolve });
      this.#schedule();
    });
  }

  /** Ends a delivery; its replies (if any) enter the log in the same transaction. */
  complete(id: number, eventSeq: number, replies: AppendRequest[] = []) {
    // After close the row stays and is delivered again after the restart (a counted duplicate).
    if (this.#closed) return;
    this.#completions.push({ id, eventSeq, replies });
    this.#schedule();
  }

  /** Writes everything pending now (also used at shutdown). */
  flush() {
    this.#scheduled = false;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    const appends = this.#appends.splice(0);
    const marks = this.#marks.splice(0);
    const completions = this.#completions.splice(0);
    if (appends.length + marks.length + completions.length === 0) return;
    const now = this.hooks.now();
    const rows: DeliveryRow[] = [];
    let results: AppendResult[];
    try {
      results = this.log.transaction(() => {
        for (const m of marks) this.log.markStarted(m.id);
        for (const c of completions) {
          this.log.complete(c.id, c.eventSeq);
          for (const r of c.replies) this.#write(r, now, rows);
        }
        return appends.map((a) => this.#write(a.request, now, rows));
      });
    } catch (err) {
      rows.length = 0;
      this.hooks.failed?.(err);
      for (const a of appends) a.reject(err);
      for (const m of marks) m.resolve();
      this.#completions.unshift(...completions);
      if (!this.#closed) this.#retryTimer = setTimeout(() => this.flush(), RETRY_AFTER_FAILURE_MS);
      return;
    }
    appends.forEach((a, i) => a.resolve(results[i]));
    for (const m of marks) m.resolve();
    if (rows.length > 0) this.hooks.committed(rows);
  }

  /** Writes what is pending and refuses further appends. */
  close() {
    this.#closed = true;
    this.flush();
    clearTimeout(this.#retryTimer);
  }

  #write(request: AppendRequest, now: number, rows: DeliveryRow[]): AppendResult {
    const result: AppendResult = { stored: 0, deliveries: 0 };
    for (const event of request.events) {
      const uids = this.hooks.fanout(request.namespace, request.broker, event);
      if (uids.length === 0) continue;
      const created = this.log.append(request.namespace, request.broker, event, uids, now);
      rows.push(...created);
      result.stored++;
      result.deliveries += created.length;
    }
    return result;
  }

  /**
   * Flushes after the event loop has polled I/O once more, so that requests arriving together share
   * a transaction; `setImmediate` rather than `setTimeout(0)`, which chained timers clamp to 4 ms.
   */
  #schedule() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      if (this.#scheduled) this.flush();
    });
  }
}
