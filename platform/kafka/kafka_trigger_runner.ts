/**
 * One trigger of a Kafka-class broker at work: a member of the trigger's own consumer group on the
 * broker's topic. Each record is decided on (`kafka_trigger_record.ts`), a matching event delivered
 * with the default broker's delivery code, its reply (if any) produced back into the broker, and
 * only then is the record done; the group commits the highest offset below which every record is
 * done (delivered, dead-lettered, dropped as the delivery spec says, or skipped). Ordered: one
 * record at a time per partition; unordered: up to a bounded number in flight. The member is
 * restarted with a backoff whenever it fails (Kafka going away, a crashed member).
 */
import type { Logger } from "../log.ts";
import { dispatchBatch, type RecordResult } from "./batch_dispatch.ts";
import { InFlightLimit } from "./in_flight_limit.ts";
import {
  BrokerUnreachableError,
  type ConsumedBatch,
  type ConsumedRecord,
  type ConsumerRun,
  type KafkaClient,
} from "./kafka_client.ts";
import type { CloudEvent } from "../eventing/cloudevents/cloudevent.ts";
import type { Clock } from "../eventing/delivery/clock.ts";
import type { EventPredicate } from "../eventing/filters/compile_filter.ts";
import type { AppendRequest } from "../eventing/broker/commit_batcher.ts";
import type { DeliveryOrder } from "./kafka_broker_spec.ts";
import type { ConsumerState } from "./kafka_broker_status.ts";
import { triggerRecordAction } from "./kafka_trigger_record.ts";

/** Every knob of a running Kafka trigger, in one place. */
export const KAFKA_TRIGGER_DEFAULTS = {
  /** Events of one unordered trigger at its subscriber at once (as the default broker's triggers). */
  unorderedInFlight: 100,
  /** Partitions worked on at the same time. */
  partitionsConcurrently: 16,
  /** A member that failed is started again after this, doubling up to the max, ms. */
  restartBackoffMs: { first: 1_000, max: 10_000 },
  /** Heartbeats while a record takes long (a cold start, retries), ms. */
  keepAliveMs: 1_000,
  /** A reply Kafka did not take is produced again after this, doubling up to the max, ms. */
  replyBackoffMs: { first: 200, max: 5_000 },
};

/** Which trigger, on which topic, in which group; a runner is replaced when any of this changes. */
export interface KafkaTriggerPlan {
  namespace: string;
  name: string;
  uid: string;
  topic: string;
  groupId: string;
  order: DeliveryOrder;
  /** Records written before this (ms since the epoch) are skipped: the trigger's creation time. */
  since: number;
}

export interface KafkaTriggerRunnerDeps {
  client: KafkaClient;
  clock: Clock;
  log: Logger;
  /** The trigger's current filter; undefined once the trigger is gone. */
  filter(): EventPredicate | undefined;
  /** Delivers one event with the broker's delivery code; the replies to put back into the broker. */
  deliver(event: CloudEvent, acceptedAt: number): Promise<AppendRequest[]>;
  /** Produces a reply into the broker; rejects when Kafka did not take it. */
  reply(request: AppendRequest): Promise<unknown>;
  /** The member's state changed (for the trigger's status). */
  onChange(): void;
}

export interface KafkaTriggerCounters {
  /** Records whose event matched and whose delivery ended (delivered, dead-lettered or dropped). */
  matched: number;
  /** Records skipped: written before the trigger existed, or not passing its filter. */
  skipped: number;
  /** Records that are not CloudEvents. */
  invalid: number;
}

export class KafkaTriggerRunner {
  readonly counters: KafkaTriggerCounters = { matched: 0, skipped: 0, invalid: 0 };
  #state: ConsumerState = { consumer: "starting" };
  #stop = new AbortController();
  #run: ConsumerRun | undefined;
  #loop: Promise<void> | undefined;
  #limit: InFlightLimit | undefined;
  #label: string;

  constructor(readonly plan: KafkaTriggerPlan, private readonly deps: KafkaTriggerRunnerDeps) {
    this.#label = `kafka trigger ${plan.namespace}/${plan.name}`;
    if (plan.order === "unordered") this.#limit = new InFlightLimit(KAFKA_TRIGGER_DEFAULTS.unorderedInFlight);
  }

  get state(): ConsumerState {
    return this.#state;
  }

  start() {
    this.#loop = this.#consumeLoop();
  }

  /** Stops: nothing new starts, running batches end, acknowledged offsets are committed, the member leaves. */
  async stop() {
    this.#stop.abort();
    await this.#run?.stop();
    await this.#loop;
  }

  async #consumeLoop() {
    const { plan } = this;
    let backoff = KAFKA_TRIGGER_DEFAULTS.restartBackoffMs.first;
    while (!this.#stop.signal.aborted) {
      const run = this.#run = this.deps.client.consume({
        groupId: plan.groupId,
        topics: [plan.topic],
        // A group that never committed reads from the start; `since` skips what predates the trigger.
        initialOffset: "earliest",
        partitionsConcurrently: KAFKA_TRIGGER_DEFAULTS.partitionsConcurrently,
        eachBatch: (batch) => this.#handle(batch),
        onJoin: (assignment) => {
          backoff = KAFKA_TRIGGER_DEFAULTS.restartBackoffMs.first;
          this.deps.log.info(
            `${this.#label}: joined group ${plan.groupId} with ${assignment.length} partition(s)`,
          );
          this.#setState({ consumer: "joined" });
        },
      });
      const error = await run.ended;
      if (this.#stop.signal.aborted) return;
      const message = error?.message ?? "the consumer stopped";
      this.deps.log.warn(`${this.#label}: consumer failed (${message}); restarting in ${backoff} ms`);
      this.#setState({
        consumer: "failed",
        error: message,
        unreachable: error instanceof BrokerUnreachableError,
      });
      await this.deps.clock.sleep(backoff, this.#stop.signal);
      backoff = Math.min(backoff * 2, KAFKA_TRIGGER_DEFAULTS.restartBackoffMs.max);
    }
  }

  #handle(batch: ConsumedBatch): Promise<void> {
    const isActive = () => !this.#stop.signal.aborted && batch.isActive();
    return dispatchBatch({
      records: batch.records,
      limit: this.#limit,
      keepAliveMs: KAFKA_TRIGGER_DEFAULTS.keepAliveMs,
      isActive,
      ack: (offset) => batch.ack(offset),
      heartbeat: () => batch.heartbeat(),
      deliver: (record) => this.#record(record, isActive),
    });
  }

  async #record(record: ConsumedRecord, isActive: () => boolean): Promise<RecordResult> {
    const matches = this.deps.filter();
    if (!matches) return "abandoned"; // the trigger is gone: its runner is about to stop
    const action = triggerRecordAction(record, { since: this.plan.since, matches });
    if (action.kind === "skip") {
      if (action.why === "invalid") {
        this.counters.invalid++;
        this.deps.log.warn(
          `${this.#label}: skipped record ${record.partition}/${record.offset}, not a CloudEvent: ${action.error}`,
        );
      } else this.counters.skipped++;
      return "done";
    }
    try {
      const replies = await this.deps.deliver(action.event, record.timestamp);
      for (const reply of replies) if (!await this.#putBack(reply, isActive)) return "abandoned";
      this.counters.matched++;
      return "done";
    } catch (err) {
      // Not a delivery failure (those end in the delivery code): the record is consumed again.
      this.deps.log.error(`${this.#label}: record ${record.partition}/${record.offset} failed: ${err}`);
      return "abandoned";
    }
  }

  /** Produces a reply until Kafka takes it; false when the member stops or loses the partition first. */
  async #putBack(reply: AppendRequest, isActive: () => boolean): Promise<boolean> {
    let wait = KAFKA_TRIGGER_DEFAULTS.replyBackoffMs.first;
    for (;;) {
      try {
        await this.deps.reply(reply);
        return true;
      } catch (err) {
        if (!isActive()) return false;
        this.deps.log.warn(
          `${this.#label}: a reply could not be produced (${err}); trying again in ${wait} ms`,
        );
        await this.deps.clock.sleep(wait, this.#stop.signal);
        wait = Math.min(wait * 2, KAFKA_TRIGGER_DEFAULTS.replyBackoffMs.max);
      }
    }
  }

  #setState(next: ConsumerState) {
    const before = JSON.stringify(this.#state);
    this.#state = next;
    if (JSON.stringify(next) !== before) this.deps.onChange();
  }
}
