/**
 * The InMemoryChannel, made durable: accepted events go into the node's database with one delivery
 * row per subscription (the broker's log, commit batcher and dispatcher, under the `channel_` table
 * prefix), so a crash or restart loses no accepted event; deliveries resume after a restart
 * (duplicates possible, and counted). The name is Knative's; "in memory" is where Knative keeps it.
 */
import type { DatabaseSync } from "node:sqlite";
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import { CommitBatcher } from "../broker/commit_batcher.ts";
import { Dispatcher } from "../broker/dispatcher.ts";
import { EventLog } from "../broker/event_log.ts";
import type { ChannelBackend } from "./channel_backend.ts";
import { IN_MEMORY_CHANNEL } from "./channel_resource.ts";
import type { SubscriptionIndex } from "./subscription_index.ts";
import type { SubscriptionDelivery } from "./subscription_delivery.ts";
import type { MessagingMetrics } from "./messaging_metrics.ts";

/** Deliveries of one subscription in flight at once. */
export const SUBSCRIPTION_CONCURRENCY = 100;
const STOP_GRACE_MS = 5_000;

export interface InMemoryChannelsDeps {
  db: DatabaseSync;
  index: SubscriptionIndex;
  delivery: SubscriptionDelivery;
  metrics: MessagingMetrics;
  /** Whether an InMemoryChannel of that name exists. */
  exists(namespace: string, name: string): boolean;
  log: { error(text: string): void; info(text: string): void };
}

export class InMemoryChannels implements ChannelBackend {
  readonly kind = IN_MEMORY_CHANNEL.kind;
  #log: EventLog;
  #batcher: CommitBatcher;
  #dispatcher: Dispatcher;

  constructor(private readonly deps: InMemoryChannelsDeps) {
    this.#log = new EventLog(deps.db, "channel");
    // deno-lint-ignore prefer-const
    let dispatcher: Dispatcher;
    this.#batcher = new CommitBatcher(this.#log, {
      fanout: (namespace, name) => deps.index.of({ kind: this.kind, namespace, name }).map((s) => s.uid),
      committed: (rows) => dispatcher.offer(rows),
      now: () => Date.now(),
      failed: (err) => deps.log.error(`writing the channel log failed: ${err}`),
    });
    dispatcher = this.#dispatcher = new Dispatcher({
      log: this.#log,
      batcher: this.#batcher,
      deliver: async (row) => {
        await deps.delivery.deliver(row.triggerUid, row.event);
        return [];
      },
      redelivering: (row) => {
        const sub = deps.index.get(row.triggerUid);
        if (sub) deps.metrics.redelivered(labelsOf(sub));
      },
      concurrency: SUBSCRIPTION_CONCURRENCY,
    });
  }

  serves(namespace: string, name: string): boolean {
    return this.deps.exists(namespace, name);
  }

  async append(namespace: string, name: string, events: CloudEvent[]): Promise<void> {
    await this.#batcher.append({ namespace, broker: name, events });
  }

  /** Drops the deliveries of subscriptions that no longer exist (after a restart, or a delete). */
  forgetMissing() {
    for (const uid of this.#log.pendingTriggers()) if (!this.deps.index.get(uid)) this.forget(uid);
  }

  forget(uid: string) {
    this.#dispatcher.removeTrigger(uid);
    const dropped = this.#log.dropTrigger(uid);
    if (dropped > 0) this.deps.log.info(`dropped ${dropped} undelivered event(s) of a deleted subscription`);
  }

  start() {
    this.#dispatcher.resume(this.#log.pendingTriggers());
    this.#dispatcher.start();
  }

  async stop() {
    await this.#dispatcher.stop(STOP_GRACE_MS);
    this.#batcher.close();
  }

  /** Events waiting per subscription uid. */
  pending(): Map<string, number> {
    return this.#log.pendingCounts();
  }
}

export function labelsOf(sub: { namespace: string; name: string; channel: { name: string } }) {
  return { namespace: sub.namespace, channel: sub.channel.name, subscription: sub.name };
}
