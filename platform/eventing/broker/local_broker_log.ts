/**
 * The single node's broker log: the SQLite event log in the node's database, written by the group
 * commit batcher and delivered by the in-memory-fed dispatcher (see those files).
 */
import type { DatabaseSync } from "node:sqlite";
import type { BrokerLog, BrokerLogHooks } from "./broker_log.ts";
import { type AppendRequest, type AppendResult, CommitBatcher } from "./commit_batcher.ts";
import { Dispatcher } from "./dispatcher.ts";
import { EventLog } from "./event_log.ts";

export class LocalBrokerLog implements BrokerLog {
  #log: EventLog;
  #batcher: CommitBatcher;
  #dispatcher: Dispatcher;

  constructor(db: DatabaseSync, private readonly hooks: BrokerLogHooks, concurrency: number) {
    this.#log = new EventLog(db);
    // deno-lint-ignore prefer-const
    let dispatcher: Dispatcher;
    this.#batcher = new CommitBatcher(this.#log, {
      fanout: hooks.fanout,
      committed: (rows) => dispatcher.offer(rows),
      now: () => Date.now(),
      failed: (err) => hooks.log.error(`writing the broker log failed: ${err}`),
    });
    dispatcher = this.#dispatcher = new Dispatcher({
      log: this.#log,
      batcher: this.#batcher,
      deliver: hooks.deliver,
      redelivering: hooks.redelivering,
      concurrency,
    });
    // Deliveries of triggers deleted while the node was down go before anything else.
    for (const uid of this.#log.pendingTriggers()) if (!hooks.known(uid)) this.dropTrigger(uid);
  }

  append(request: AppendRequest): Promise<AppendResult> {
    return this.#batcher.append(request);
  }

  start() {
    this.#dispatcher.resume(this.#log.pendingTriggers());
    this.#dispatcher.start();
  }

  dropTrigger(uid: string) {
    this.#dispatcher.removeTrigger(uid);
    const dropped = this.#log.dropTrigger(uid);
    if (dropped > 0) this.hooks.log.info(`dropped ${dropped} undelivered event(s) of a deleted trigger`);
  }

  pendingCounts(): Map<string, number> {
    return this.#log.pendingCounts();
  }

  async stop(graceMs: number) {
    await this.#dispatcher.stop(graceMs);
    this.#batcher.close();
  }
}
