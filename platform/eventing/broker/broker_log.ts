/**
 * Where the default Broker keeps and delivers accepted events: on one node, the node's SQLite log
 * (`LocalBrokerLog`); in cluster mode, the log in the shared PostgreSQL database, delivered by
 * whichever node claims each delivery (`ClusterBrokerLog`). Both take the same hooks and run the
 * same delivery code; the broker extension sees only this.
 */
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import type { AppendRequest, AppendResult } from "./commit_batcher.ts";
import type { DeliveryRow } from "./event_log.ts";

export interface BrokerLogHooks {
  /** The triggers (by uid) an event goes to, decided when it is written. */
  fanout(namespace: string, broker: string, event: CloudEvent): string[];
  /** Whether a trigger exists (deliveries of others are not run). */
  known(triggerUid: string): boolean;
  /** Delivers one row; resolves with replies to append with its completion. */
  deliver(row: DeliveryRow): Promise<AppendRequest[]>;
  /** A row that may have been delivered before (a restart, another node's death) is delivered again. */
  redelivering(row: DeliveryRow): void;
  log: { error(text: string): void; warn(text: string): void; info(text: string): void };
}

export interface BrokerLog {
  /** Resolves once the events are durably stored (with their deliveries); rejects if they are not. */
  append(request: AppendRequest): Promise<AppendResult>;
  /** Begins delivering, including what an earlier run left. */
  start(): void | Promise<void>;
  /** A trigger was deleted: stops its deliveries and drops what is left of them. */
  dropTrigger(triggerUid: string): void;
  /** Deliveries left, per trigger uid (for metrics). */
  pendingCounts(): Map<string, number>;
  /** Starts nothing new, lets running deliveries finish (at most `graceMs`), writes what is pending. */
  stop(graceMs: number): Promise<void>;
}
