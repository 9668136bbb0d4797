/**
 * The default Broker's log in the cluster database (migration 4): accepted events, and one delivery
 * row per (event, matching trigger), as the single node's SQLite log keeps them. Any node appends;
 * a node delivers a row only after claiming it (`FOR UPDATE SKIP LOCKED`, so concurrent claimers
 * never get the same row), and a claim names the node and expires unless renewed, so the rows of a
 * dead node become claimable again. A delivery row leaves when its delivery ended; an event when no
 * delivery of it is left. Appends NOTIFY `BROKER_CHANNEL` so dispatchers wake at once.
 */
import type { Sql, TransactionSql } from "postgres";
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import type { DeliveryRow } from "./event_log.ts";
import { loadEvent, storeEvent } from "./stored_event.ts";

export const BROKER_CHANNEL = "denative_broker";
/** Rows per multi-row INSERT (PostgreSQL takes at most 65,535 parameters per statement). */
const INSERT_CHUNK = 1_000;
/** Events left without deliveries (two nodes finished an event's last deliveries at once) go after this, ms. */
const ORPHAN_AGE_MS = 60_000;
/** Event numbers taken from the sequence at once. */
const SEQ_BLOCK = 1_000;

export interface LogAppend {
  namespace: string;
  broker: string;
  event: CloudEvent;
  triggerUids: string[];
  /** The triggers among them whose delivery this node claims at once. */
  claimedUids?: string[];
}

export interface LogCompletion {
  id: number;
  eventSeq: number;
}

interface ClaimedRecord {
  id: string;
  event_seq: string;
  trigger_uid: string;
  claims: number;
  attrs: string;
  data: Uint8Array | null;
  data_kind: 0 | 1 | 2;
  accepted_at: string;
}

export class PostgresEventLog {
  #seqs: number[] = [];

  constructor(
    private readonly sql: Sql,
    private readonly node: string,
    private readonly claimMs: number,
  ) {}

  /**
   * One transaction: completions end their rows (and events left with none), appends store events
   * with their deliveries. Deliveries to an append's `claimedUids` are claimed by this node at once
   * (returned, to be run from memory); when any are left for whoever claims them, every node's
   * dispatcher is woken.
   */
  async commit(appends: LogAppend[], completions: LogCompletion[], now: number): Promise<DeliveryRow[]> {
    if (appends.length + completions.length === 0) return [];
    const wanted = appends.filter((a) => a.triggerUids.length > 0);
    const seqs = await this.#takeSeqs(wanted.length);
    const events = wanted.map((a, i) => {
      const stored = storeEvent(a.event);
      return {
        seq: seqs[i],
        namespace: a.namespace,
        broker: a.broker,
        attrs: stored.attrs,
        data: stored.data,
        data_kind: stored.dataKind,
        accepted_at: now,
      };
    });
    const mine = { seqs: [] as number[], uids: [] as string[] };
    const free = { seqs: [] as number[], uids: [] as string[] };
    wanted.forEach((a, i) => {
      for (const uid of a.triggerUids) {
        const to = a.claimedUids?.includes(uid) ? mine : free;
        to.seqs.push(seqs[i]);
        to.uids.push(uid);
      }
    });
    // The statements go out pipelined on the transaction's connection (none needs another's answer).
    const claimed = await this.sql.begin(async (tx) => {
      const writes: Promise<unknown>[] = [];
      if (completions.length > 0) writes.push(...complete(tx, completions));
      for (let i = 0; i < events.length; i += INSERT_CHUNK) {
        writes.push(tx`INSERT INTO broker_events ${tx(events.slice(i, i + INSERT_CHUNK))}`);
      }
      if (free.seqs.length > 0) {
        writes.push(tx`INSERT INTO broker_deliveries (event_seq, trigger_uid)
          SELECT * FROM unnest(${free.seqs}::bigint[], ${free.uids}::text[])`);
        writes.push(tx`SELECT pg_notify(${BROKER_CHANNEL}, '')`);
      }
      const claiming = mine.seqs.length === 0 ? Promise.resolve([]) : tx<
        { id: string; event_seq: string; trigger_uid: string }[]
      >`
        INSERT INTO broker_deliveries (event_seq, trigger_uid, claimed_by, claims, claim_expires_at)
        SELECT s, u, ${this.node}, 1, now() + make_interval(secs => ${this.claimMs / 1000})
        FROM unnest(${mine.seqs}::bigint[], ${mine.uids}::text[]) AS t(s, u)
        RETURNING id, event_seq, trigger_uid`;
      // One Promise.all, so a failed statement leaves no other rejection unhandled.
      const [rows] = await Promise.all([claiming, ...writes]);
      return [...rows];
    });
    const eventOf = new Map(wanted.map((a, i) => [seqs[i], a.event]));
    return claimed.map((r) => ({
      id: Number(r.id),
      eventSeq: Number(r.event_seq),
      triggerUid: r.trigger_uid,
      started: false,
      acceptedAt: now,
      event: eventOf.get(Number(r.event_seq))!,
    })).sort((a, b) => a.id - b.id);
  }

  /** Event numbers, taken from the sequence a block at a time (gaps are harmless). */
  async #takeSeqs(n: number): Promise<number[]> {
    if (this.#seqs.length < n) {
      const rows = await this.sql<{ seq: string }[]>`
        SELECT nextval(pg_get_serial_sequence('broker_events', 'seq')) AS seq
        FROM generate_series(1, ${Math.max(n - this.#seqs.length, SEQ_BLOCK)})`;
      this.#seqs.push(...rows.map((r) => Number(r.seq)));
    }
    return this.#seqs.splice(0, n);
  }

  /**
   * Claims up to `limit` of a trigger's deliveries that nobody holds (never claimed, handed back,
   * or whose claim expired), oldest first. A row claimed before counts as `started`: its delivery
   * may have happened already, so delivering it again may be a duplicate.
   */
  async claim(triggerUid: string, limit: number): Promise<DeliveryRow[]> {
    if (limit <= 0) return [];
    const rows = await this.sql<ClaimedRecord[]>`
      WITH picked AS (
        SELECT id FROM broker_deliveries
        WHERE trigger_uid = ${triggerUid} AND (claim_expires_at IS NULL OR claim_expires_at < now())
        ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED),
      claimed AS (
        UPDATE broker_deliveries d SET claimed_by = ${this.node}, claims = d.claims + 1,
          claim_expires_at = now() + make_interval(secs => ${this.claimMs / 1000})
        FROM picked WHERE d.id = picked.id
        RETURNING d.id, d.event_seq, d.trigger_uid, d.claims)
      SELECT c.id, c.event_seq, c.trigger_uid, c.claims, e.attrs, e.data, e.data_kind, e.accepted_at
      FROM claimed c JOIN broker_events e ON e.seq = c.event_seq ORDER BY c.id`;
    return rows.map((r) => ({
      id: Number(r.id),
      eventSeq: Number(r.event_seq),
      triggerUid: r.trigger_uid,
      started: r.claims > 1,
      acceptedAt: Number(r.accepted_at),
      event: loadEvent({
        attrs: r.attrs,
        data: r.data === null ? null : new Uint8Array(r.data),
        dataKind: r.data_kind,
      }),
    }));
  }

  /** Extends this node's claims on `ids`; returns the ids still this node's (the others were taken). */
  async renew(ids: number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    const rows = await this.sql<{ id: string }[]>`
      UPDATE broker_deliveries SET claim_expires_at = now() + make_interval(secs => ${this.claimMs / 1000})
      WHERE id = ANY(${ids}::bigint[]) AND claimed_by = ${this.node} RETURNING id`;
    return rows.map((r) => Number(r.id));
  }

  /** Hands claims back so any node takes them at once (a stopping node's unfinished deliveries). */
  async release(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.sql`UPDATE broker_deliveries SET claim_expires_at = NULL
      WHERE id = ANY(${ids}::bigint[]) AND claimed_by = ${this.node}`;
  }

  /** Hands back every claim under this node's name (left by its previous run, which died). */
  async releaseAllOfThisNode(): Promise<number> {
    const result = await this.sql`UPDATE broker_deliveries SET claim_expires_at = NULL
      WHERE claimed_by = ${this.node} AND claim_expires_at IS NOT NULL`;
    return result.count;
  }

  /** Forgets a deleted trigger's deliveries; returns how many. */
  async dropTrigger(triggerUid: string): Promise<number> {
    const result = await this.sql`DELETE FROM broker_deliveries WHERE trigger_uid = ${triggerUid}`;
    if (result.count > 0) await this.dropOrphans(0);
    return result.count;
  }

  /** Deletes events accepted more than `ageMs` ago that have no delivery left. */
  async dropOrphans(ageMs = ORPHAN_AGE_MS): Promise<void> {
    await this.sql`DELETE FROM broker_events e WHERE e.accepted_at < ${Date.now() - ageMs}
      AND NOT EXISTS (SELECT 1 FROM broker_deliveries d WHERE d.event_seq = e.seq)`;
  }

  /** Deliveries left, per trigger (all nodes'). */
  async pendingCounts(): Promise<Map<string, number>> {
    const rows = await this.sql<{ trigger_uid: string; n: string }[]>`
      SELECT trigger_uid, COUNT(*) AS n FROM broker_deliveries GROUP BY trigger_uid`;
    return new Map(rows.map((r) => [r.trigger_uid, Number(r.n)]));
  }

  async eventCount(): Promise<number> {
    const [row] = await this.sql<{ n: string }[]>`SELECT COUNT(*) AS n FROM broker_events`;
    return Number(row.n);
  }
}

/** The deliveries' deletes run before the events' (statements on one connection run in order). */
function complete(tx: TransactionSql, completions: LogCompletion[]): Promise<unknown>[] {
  const ids = completions.map((c) => c.id);
  const seqs = [...new Set(completions.map((c) => c.eventSeq))];
  return [
    tx`DELETE FROM broker_deliveries WHERE id = ANY(${ids}::bigint[])`,
    tx`DELETE FROM broker_events e WHERE e.seq = ANY(${seqs}::bigint[])
      AND NOT EXISTS (SELECT 1 FROM broker_deliveries d WHERE d.event_seq = e.seq)`,
  ];
}
