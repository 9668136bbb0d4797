/**
 * The durable broker's log, in the node's SQLite database: accepted events, and one delivery row
 * per (event, matching trigger). A delivery row lives until its delivery ends (delivered,
 * dead-lettered or dropped); an event lives while any of its deliveries does. `started` marks rows
 * whose delivery began, so rows found started after a crash are known to be possible duplicates.
 * Every method runs inside the caller's `transaction`. The durable InMemoryChannel keeps its own log
 * of the same shape under another table prefix (`channel_*`: the "broker" column names the channel,
 * the "trigger" one the subscription).
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import { loadEvent, storeEvent } from "./stored_event.ts";

export interface DeliveryRow {
  id: number;
  eventSeq: number;
  triggerUid: string;
  /** True when a delivery attempt may already have happened (before a restart). */
  started: boolean;
  /** When the broker accepted the event (ms since the epoch). */
  acceptedAt: number;
  event: CloudEvent;
}

export class EventLog {
  #insertEvent: StatementSync;
  #insertDelivery: StatementSync;
  #markStarted: StatementSync;
  #deleteDelivery: StatementSync;
  #deleteEventIfDone: StatementSync;
  #page: StatementSync;

  #events: string;
  #deliveries: string;

  constructor(private readonly db: DatabaseSync, tablePrefix: "broker" | "channel" = "broker") {
    const events = this.#events = `${tablePrefix}_events`;
    const deliveries = this.#deliveries = `${tablePrefix}_deliveries`;
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${events} (
        seq INTEGER PRIMARY KEY, namespace TEXT NOT NULL, broker TEXT NOT NULL,
        attrs TEXT NOT NULL, data BLOB, data_kind INTEGER NOT NULL, accepted_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS ${deliveries} (
        id INTEGER PRIMARY KEY, event_seq INTEGER NOT NULL, trigger_uid TEXT NOT NULL,
        started INTEGER NOT NULL DEFAULT 0);
      CREATE INDEX IF NOT EXISTS ${deliveries}_by_trigger ON ${deliveries} (trigger_uid, id);
      CREATE INDEX IF NOT EXISTS ${deliveries}_by_event ON ${deliveries} (event_seq);
    `);
    this.#insertEvent = db.prepare(
      `INSERT INTO ${events} (namespace, broker, attrs, data, data_kind, accepted_at) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.#insertDelivery = db.prepare(`INSERT INTO ${deliveries} (event_seq, trigger_uid) VALUES (?, ?)`);
    this.#markStarted = db.prepare(`UPDATE ${deliveries} SET started = 1 WHERE id = ?`);
    this.#deleteDelivery = db.prepare(`DELETE FROM ${deliveries} WHERE id = ?`);
    this.#deleteEventIfDone = db.prepare(
      `DELETE FROM ${events} WHERE seq = ? AND NOT EXISTS (SELECT 1 FROM ${deliveries} WHERE event_seq = ?)`,
    );
    this.#page = db.prepare(`
      SELECT d.id, d.event_seq, d.started, e.attrs, e.data, e.data_kind, e.accepted_at
      FROM ${deliveries} d JOIN ${events} e ON e.seq = d.event_seq
      WHERE d.trigger_uid = ? AND d.id > ? ORDER BY d.id LIMIT ?`);
  }

  /** Runs `fn` in one transaction: everything it wrote is committed together, or nothing is. */
  transaction<T>(fn: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.db.exec("COMMIT");
      return result;
    } catch (err) {
      // SQLite has already rolled back after some errors (a full disk); a second ROLLBACK would throw.
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      throw err;
    }
  }

  /** Stores an event with one delivery row per trigger; returns the rows. */
  append(
    namespace: string,
    broker: string,
    event: CloudEvent,
    triggerUids: string[],
    now: number,
  ): DeliveryRow[] {
    const stored = storeEvent(event);
    const seq = Number(
      this.#insertEvent.run(namespace, broker, stored.attrs, stored.data, stored.dataKind, now)
        .lastInsertRowid,
    );
    return triggerUids.map((triggerUid) => ({
      id: Number(this.#insertDelivery.run(seq, triggerUid).lastInsertRowid),
      eventSeq: seq,
      triggerUid,
      started: false,
      acceptedAt: now,
      event,
    }));
  }

  markStarted(id: number) {
    this.#markStarted.run(id);
  }

  /** Ends a delivery; the event goes too once no delivery of it is left. */
  complete(id: number, eventSeq: number) {
    this.#deleteDelivery.run(id);
    this.#deleteEventIfDone.run(eventSeq, eventSeq);
  }

  /** A trigger's deliveries after `afterId`, oldest first, with their events. */
  page(triggerUid: string, afterId: number, limit: number): DeliveryRow[] {
    const rows = this.#page.all(triggerUid, afterId, limit) as {
      id: number;
      event_seq: number;
      started: number;
      attrs: string;
      data: Uint8Array | null;
      data_kind: 0 | 1 | 2;
      accepted_at: number;
    }[];
    return rows.map((r) => ({
      id: r.id,
      eventSeq: r.event_seq,
      triggerUid,
      started: r.started === 1,
      acceptedAt: r.accepted_at,
      event: loadEvent({ attrs: r.attrs, data: r.data, dataKind: r.data_kind }),
    }));
  }

  /** The triggers that have deliveries left. */
  pendingTriggers(): string[] {
    const rows = this.db.prepare(`SELECT DISTINCT trigger_uid FROM ${this.#deliveries}`).all() as {
      trigger_uid: string;
    }[];
    return rows.map((r) => r.trigger_uid);
  }

  /** Forgets a deleted trigger's deliveries (and events nobody else waits for); returns how many. */
  dropTrigger(triggerUid: string): number {
    const n = Number(
      this.db.prepare(`DELETE FROM ${this.#deliveries} WHERE trigger_uid = ?`).run(triggerUid).changes,
    );
    if (n > 0) {
      this.db.exec(
        `DELETE FROM ${this.#events} WHERE NOT EXISTS (SELECT 1 FROM ${this.#deliveries} WHERE event_seq = seq)`,
      );
    }
    return n;
  }

  /** Deliveries left, per trigger. */
  pendingCounts(): Map<string, number> {
    const rows = this.db.prepare(
      `SELECT trigger_uid, COUNT(*) AS n FROM ${this.#deliveries} GROUP BY trigger_uid`,
    ).all() as { trigger_uid: string; n: number }[];
    return new Map(rows.map((r) => [r.trigger_uid, r.n]));
  }

  eventCount(): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM ${this.#events}`).get() as { n: number }).n;
  }
}
