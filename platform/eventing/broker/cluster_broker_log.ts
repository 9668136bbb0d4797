/**
 * The broker log of cluster mode: events go into the shared PostgreSQL log from any node's
 * ingress, and every node's dispatcher claims pending deliveries of the triggers it knows, up to
 * `concurrency` in flight per trigger on this node, and runs them with the same delivery code as a
 * single node (retries, backoff, dead letters). The node whose ingress took an event claims the
 * deliveries it has room for in the same transaction and runs them from memory; only the rest wait
 * in the log for any node. Dispatchers wake on the log's NOTIFY and poll every
 * `pollMs` as a safety net (a missed notification, another node's expired claims). Held claims are
 * renewed every `renewMs`; a node that dies stops renewing, so its claims expire and the rows go to
 * the others. Appends and completions gathered in one turn of the event loop share one transaction.
 */
import { setImmediate } from "node:timers";
import type { Sql } from "postgres";
import type { Clock } from "../../clock/clock.ts";
import type { BrokerLog, BrokerLogHooks } from "./broker_log.ts";
import type { AppendRequest, AppendResult } from "./commit_batcher.ts";
import { claimBudget, DeliveryClaims } from "./delivery_claims.ts";
import type { DeliveryRow } from "./event_log.ts";
import {
  BROKER_CHANNEL,
  type LogAppend,
  type LogCompletion,
  PostgresEventLog,
} from "./postgres_event_log.ts";

export interface ClusterBrokerLogOptions {
  sql: Sql;
  nodeName: string;
  hooks: BrokerLogHooks;
  /** The trigger uids this node knows (its trigger index). */
  triggers(): Iterable<string>;
  concurrency: number;
  claimMs: number;
  renewMs: number;
  pollMs: number;
  clock: Clock;
}

interface PendingCompletion extends LogCompletion {
  /** The subscriber's replies, written with the completion. */
  replies: AppendRequest[];
}

interface PendingAppend {
  request: AppendRequest;
  resolve: (r: AppendResult) => void;
  reject: (err: unknown) => void;
}

const RETRY_AFTER_FAILURE_MS = 1000;
/** Orphaned events are swept about once per this many polls. */
const SWEEP_EVERY_POLLS = 60;

export class ClusterBrokerLog implements BrokerLog {
  readonly log: PostgresEventLog;
  #claims: DeliveryClaims;
  #inFlight = new Map<string, number>();
  #running = new Set<Promise<void>>();
  #appends: PendingAppend[] = [];
  #completions: PendingCompletion[] = [];
  /** Triggers whose last claim filled its budget: more of their rows may be waiting. */
  #more = new Set<string>();
  #flushScheduled = false;
  #flushing: Record<"appends" | "completions", Promise<void> | null> = { appends: null, completions: null };
  #claiming = false;
  #wakeAgain = false;
  #pending = new Map<string, number>();
  #timers: ReturnType<typeof setInterval>[] = [];
  #unlisten: (() => Promise<void>) | null = null;
  #polls = 0;
  #stopped = false;
  #closed = false;

  constructor(private readonly opts: ClusterBrokerLogOptions) {
    this.log = new PostgresEventLog(opts.sql, opts.nodeName, opts.claimMs);
    this.#claims = new DeliveryClaims(opts.clock, { claimMs: opts.claimMs, renewMs: opts.renewMs });
  }

  append(request: AppendRequest): Promise<AppendResult> {
    if (this.#closed) return Promise.reject(new Error("the broker is shutting down"));
    return new Promise((resolve, reject) => {
      this.#appends.push({ request, resolve, reject });
      this.#scheduleFlush();
    });
  }

  async start() {
    // Claims left under this node's name are from its previous run: hand them back first.
    const released = await this.log.releaseAllOfThisNode();
    if (released > 0) {
      this.opts.hooks.log.info(
        `handed back ${released} broker delivery claim(s) of this node's previous run`,
      );
    }
    const listening = await this.opts.sql.listen(BROKER_CHANNEL, () => this.wake());
    this.#unlisten = () => listening.unlisten();
    this.#timers.push(setInterval(() => this.#poll(), this.opts.pollMs));
    this.#timers.push(setInterval(() => this.#renew(), Math.max(100, this.opts.renewMs / 4)));
    this.#poll();
  }

  /** Looks for claimable deliveries now (coalesced: at most one claim round runs at a time). */
  wake() {
    if (this.#stopped) return;
    if (this.#claiming) {
      this.#wakeAgain = true;
      return;
    }
    this.#claiming = true;
    this.#claimRound().finally(() => {
      this.#claiming = false;
      if (this.#wakeAgain) {
        this.#wakeAgain = false;
        this.wake();
      }
    });
  }

  dropTrigger(uid: string) {
    this.log.dropTrigger(uid).then((n) => {
      if (n > 0) this.opts.hooks.log.info(`dropped ${n} undelivered event(s) of a deleted trigger`);
    }).catch((err) => this.opts.hooks.log.warn(`dropping a deleted trigger's deliveries failed: ${err}`));
  }

  /** As of the last poll (all nodes' deliveries). */
  pendingCounts(): Map<string, number> {
    return this.#pending;
  }

  /** Deliveries running on this node now. */
  get inFlight(): number {
    return this.#running.size;
  }

  async stop(graceMs: number) {
    this.#stopped = true;
    for (const t of this.#timers) clearInterval(t);
    await this.#unlisten?.().catch(() => {});
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.allSettled([...this.#running]),
      new Promise((r) => (timer = setTimeout(r, graceMs))),
    ]);
    clearTimeout(timer);
    this.#closed = true;
    await this.#flush();
    // What did not finish goes back to the other nodes at once instead of after its claim expires.
    await this.log.release(this.#claims.all()).catch(() => {});
  }

  async #claimRound() {
    try {
      for (const uid of this.opts.triggers()) {
        if (this.#stopped) return;
        const budget = claimBudget(this.opts.concurrency, this.#inFlight.get(uid) ?? 0);
        if (budget === 0) {
          this.#more.add(uid); // woken with no room: look again once there is
          continue;
        }
        const askedAt = this.#claims.asking();
        const rows = await this.log.claim(uid, budget);
        this.#claims.claimed(rows.map((r) => r.id), askedAt);
        if (rows.length === budget) this.#more.add(uid);
        else this.#more.delete(uid);
        for (const row of rows) this.#run(row);
      }
    } catch (err) {
      if (!this.#stopped) this.opts.hooks.log.warn(`claiming broker deliveries failed: ${err}`);
    }
  }

  #run(row: DeliveryRow) {
    const uid = row.triggerUid;
    this.#inFlight.set(uid, (this.#inFlight.get(uid) ?? 0) + 1);
    const running = this.#deliver(row).finally(() => {
      this.#running.delete(running);
      const left = (this.#inFlight.get(uid) ?? 1) - 1;
      if (left > 0) this.#inFlight.set(uid, left);
      else this.#inFlight.delete(uid);
      // More of this trigger's rows may be waiting: claim them once half the room is free (in
      // batches, not one query per finished delivery).
      if (this.#more.has(uid) && left <= this.opts.concurrency / 2) this.wake();
    });
    this.#running.add(running);
  }

  async #deliver(row: DeliveryRow) {
    try {
      if (row.started) this.opts.hooks.redelivering(row);
      if (!this.opts.hooks.known(row.triggerUid)) {
        this.#claims.released(row.id); // deleted meanwhile: its rows are dropped
        return;
      }
      const replies = await this.opts.hooks.deliver(row);
      if (this.#closed) return; // stopped past the grace period: the row goes back, delivered again
      this.#complete(row, replies);
    } catch (err) {
      if (!this.#stopped) this.opts.hooks.log.error(`broker delivery ${row.id} failed unexpectedly: ${err}`);
    }
  }

  #complete(row: DeliveryRow, replies: AppendRequest[]) {
    this.#claims.released(row.id);
    this.#completions.push({ id: row.id, eventSeq: row.eventSeq, replies });
    this.#scheduleFlush();
  }

  async #renew() {
    for (const id of this.#claims.expired()) {
      this.opts.hooks.log.warn(
        `broker delivery ${id}: claim expired before it ended (it may be delivered twice)`,
      );
    }
    if (!this.#claims.renewDue()) return;
    const { ids, askedAt } = this.#claims.toRenew();
    try {
      this.#claims.renewed(await this.log.renew(ids), askedAt);
    } catch (err) {
      this.opts.hooks.log.warn(`renewing broker delivery claims failed: ${err}`);
    }
  }

  async #poll() {
    this.wake();
    try {
      if (++this.#polls % SWEEP_EVERY_POLLS === 0) await this.log.dropOrphans();
      this.#pending = await this.log.pendingCounts();
    } catch (err) {
      if (!this.#stopped) this.opts.hooks.log.warn(`reading the broker log failed: ${err}`);
    }
  }

  #scheduleFlush() {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // After the event loop polled I/O once more, so requests arriving together share a transaction.
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  /** Writes what is pending: appends and completions in two lanes, each one transaction at a time. */
  async #flush(): Promise<void> {
    await Promise.all([this.#flushLane("appends"), this.#flushLane("completions")]);
  }

  async #flushLane(lane: "appends" | "completions"): Promise<void> {
    while (this.#flushing[lane]) await this.#flushing[lane];
    const appends = lane === "appends" ? this.#appends.splice(0) : [];
    const completions = lane === "completions" ? this.#completions.splice(0) : [];
    if (appends.length + completions.length === 0) return;
    const writing = this.#flushing[lane] = this.#write(appends, completions);
    try {
      await writing;
    } finally {
      this.#flushing[lane] = null;
    }
    // What arrived meanwhile waited for this transaction: it goes in the next one.
    const left = lane === "appends" ? this.#appends.length : this.#completions.length;
    if (left > 0 && !this.#closed) this.#scheduleFlush();
  }

  async #write(appends: PendingAppend[], completions: PendingCompletion[]) {
    const rows: LogAppend[] = [];
    // Deliveries this node has room for it claims as it writes them, and runs from memory; the
    // rest are left in the log for any node to claim.
    const taking = new Map<string, number>();
    const claimable = (uid: string) => {
      const n = taking.get(uid) ?? this.#inFlight.get(uid) ?? 0;
      if (this.#stopped || claimBudget(this.opts.concurrency, n) === 0) return false;
      taking.set(uid, n + 1);
      return true;
    };
    const add = (request: AppendRequest): AppendResult => {
      const result: AppendResult = { stored: 0, deliveries: 0 };
      for (const event of request.events) {
        const triggerUids = this.opts.hooks.fanout(request.namespace, request.broker, event);
        if (triggerUids.length === 0) continue;
        const claimedUids = triggerUids.filter(claimable);
        rows.push({ namespace: request.namespace, broker: request.broker, event, triggerUids, claimedUids });
        result.stored++;
        result.deliveries += triggerUids.length;
      }
      return result;
    };
    for (const c of completions) c.replies.forEach(add);
    const results = appends.map((a) => add(a.request));
    const askedAt = this.#claims.asking();
    let mine: DeliveryRow[];
    try {
      mine = await this.log.commit(rows, completions, this.opts.clock.now());
    } catch (err) {
      this.opts.hooks.log.error(`writing the broker log failed: ${err}`);
      for (const a of appends) a.reject(err);
      // Completions are kept and written later; until then the rows stay claimed (and renewed).
      this.#completions.unshift(...completions);
      for (const c of completions) this.#claims.claimed([c.id], this.#claims.asking());
      if (!this.#closed) setTimeout(() => this.#scheduleFlush(), RETRY_AFTER_FAILURE_MS);
      return;
    }
    appends.forEach((a, i) => a.resolve(results[i]));
    this.#claims.claimed(mine.map((r) => r.id), askedAt);
    for (const row of mine) this.#run(row);
  }
}
