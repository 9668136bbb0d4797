/**
 * One KafkaSource at work: a consumer group member that turns each record into an event and
 * delivers it (ordered: one at a time per partition; unordered: up to the in-flight bound), restarted
 * with a backoff whenever it fails (a broker going away, a crashed member); and, every couple of
 * seconds, an admin round trip that measures the group's lag and tells whether the brokers answer.
 * It only reports what it sees (`connection`, `lag`); the controller turns that into status and
 * scaling demand.
 */
import type { Clock } from "../eventing/delivery/clock.ts";
import type { EventSender } from "../eventing/event_sender.ts";
import type { Logger } from "../log.ts";
import {
  BrokerUnreachableError,
  type ConsumedBatch,
  type ConsumerRun,
  type KafkaClient,
} from "./kafka_client.ts";
import { consumerGroupOf, type KafkaSource, keyTypeOf } from "./kafka_source.ts";
import { recordToEvent, type SourceIdentity } from "./kafka_source_event.ts";
import { dispatchBatch } from "./batch_dispatch.ts";
import { InFlightLimit } from "./in_flight_limit.ts";
import { deliverRecord, type DeliveryTarget } from "../eventing/delivery/record_delivery.ts";
import { type ConsumerLag, consumerLag } from "./consumer_lag.ts";
import type { ConnectionState } from "./kafka_source_status.ts";

/** Every knob of a running source, in one place. */
export const SOURCE_RUNNER_DEFAULTS = {
  /** Events of one unordered source at its sink at once. */
  unorderedInFlight: 256,
  /** Partitions worked on at the same time. */
  partitionsConcurrently: 64,
  /** Lag and broker health are measured this often, ms. */
  lagPollMs: 1_000,
  /** A consumer that failed is started again after this, doubling up to the max, ms. */
  restartBackoffMs: { first: 1_000, max: 10_000 },
  /** Heartbeats during a record that takes long (a cold start, retries), ms. */
  keepAliveMs: 1_000,
};

export interface SourceRunnerDeps {
  client: KafkaClient;
  sender: EventSender;
  clock: Clock;
  log: Logger;
  /** The source's delivery target, resolved against the current store. */
  target(source: KafkaSource): DeliveryTarget;
  /** Something the status depends on changed (connection, lag). */
  onChange(): void;
}

export interface SourceCounters {
  delivered: number;
  deadLettered: number;
  dropped: number;
}

export class SourceRunner {
  readonly groupId: string;
  readonly counters: SourceCounters = { delivered: 0, deadLettered: 0, dropped: 0 };
  #connection: ConnectionState = { consumer: "starting" };
  #lag: { value: ConsumerLag; at: number } | undefined;
  #stop = new AbortController();
  #run: ConsumerRun | undefined;
  #loop: Promise<void> | undefined;
  #lagTimer: ReturnType<typeof setInterval> | undefined;
  #polling = false;
  #target: DeliveryTarget | undefined;
  #identity: SourceIdentity;
  #limit: InFlightLimit | undefined;
  #name: string;

  constructor(readonly source: KafkaSource, private readonly deps: SourceRunnerDeps) {
    this.groupId = consumerGroupOf(source);
    const { namespace, name } = source.metadata;
    this.#name = `kafkasource ${namespace}/${name}`;
    this.#identity = {
      namespace,
      name,
      keyType: keyTypeOf(source),
      overrides: source.spec.ceOverrides?.extensions,
    };
    if (source.spec.ordering === "unordered") {
      this.#limit = new InFlightLimit(SOURCE_RUNNER_DEFAULTS.unorderedInFlight);
    }
  }

  get connection(): ConnectionState {
    return this.#connection;
  }

  /** The last measured lag, if measured within the last few polls. */
  lag(now: number): ConsumerLag | undefined {
    const fresh = this.#lag && now - this.#lag.at <= SOURCE_RUNNER_DEFAULTS.lagPollMs * 3;
    return fresh ? this.#lag!.value : undefined;
  }

  start() {
    this.#loop = this.#consumeLoop();
    this.#lagTimer = setInterval(() => this.#pollLag(), SOURCE_RUNNER_DEFAULTS.lagPollMs);
    this.#pollLag();
  }

  /**
   * Stops consuming: no record starts any more, attempts under way end (within the consumer's stop
   * timeout), records not delivered are not committed (they are delivered again after a restart),
   * and the member leaves its group.
   */
  async stop() {
    this.#stop.abort();
    clearInterval(this.#lagTimer);
    await this.#run?.stop();
    await this.#loop;
  }

  /** The store changed: resolve the sink again before the next record. */
  invalidate() {
    this.#target = undefined;
  }

  async #consumeLoop() {
    const { spec } = this.source;
    let backoff = SOURCE_RUNNER_DEFAULTS.restartBackoffMs.first;
    while (!this.#stop.signal.aborted) {
      const run = this.#run = this.deps.client.consume({
        groupId: this.groupId,
        topics: spec.topics,
        initialOffset: spec.initialOffset,
        partitionsConcurrently: SOURCE_RUNNER_DEFAULTS.partitionsConcurrently,
        eachBatch: (batch) => this.#handle(batch),
        onJoin: (assignment) => {
          backoff = SOURCE_RUNNER_DEFAULTS.restartBackoffMs.first;
          this.deps.log.info(
            `${this.#name}: joined group ${this.groupId} with ${assignment.length} partition(s)`,
          );
          this.#setConnection({
            ...this.#connection,
            consumer: "joined",
            consumerError: undefined,
            consumerUnreachable: undefined,
          });
        },
      });
      const error = await run.ended;
      if (this.#stop.signal.aborted) return;
      const message = error?.message ?? "the consumer stopped";
      this.deps.log.warn(`${this.#name}: consumer failed (${message}); restarting in ${backoff} ms`);
      this.#setConnection({
        ...this.#connection,
        consumer: "failed",
        consumerError: message,
        consumerUnreachable: error instanceof BrokerUnreachableError,
      });
      this.#pollLag();
      await this.deps.clock.sleep(backoff, this.#stop.signal);
      backoff = Math.min(backoff * 2, SOURCE_RUNNER_DEFAULTS.restartBackoffMs.max);
    }
  }

  #handle(batch: ConsumedBatch): Promise<void> {
    return dispatchBatch({
      records: batch.records,
      limit: this.#limit,
      keepAliveMs: SOURCE_RUNNER_DEFAULTS.keepAliveMs,
      isActive: () => !this.#stop.signal.aborted && batch.isActive(),
      ack: (offset) => batch.ack(offset),
      heartbeat: () => batch.heartbeat(),
      deliver: (record) =>
        deliverRecord(recordToEvent(record, this.#identity), {
          sender: this.deps.sender,
          clock: this.deps.clock,
          stop: this.#stop.signal,
          target: () => this.#target ??= this.deps.target(this.source),
          onOutcome: (outcome, event) => {
            if (outcome.kind === "delivered") this.counters.delivered++;
            else if (outcome.kind === "dead-lettered") this.counters.deadLettered++;
            else {
              this.counters.dropped++;
              this.deps.log.warn(
                `${this.#name}: event ${event.id} dropped after ${outcome.attempts} attempt(s) ` +
                  `(last status ${outcome.failure.status}): ${outcome.reason}`,
              );
            }
          },
          onHeld: (event, reason) =>
            this.deps.log.warn(`${this.#name}: event ${event.id} held back: ${reason}`),
        }),
    });
  }

  async #pollLag() {
    if (this.#polling || this.#stop.signal.aborted) return;
    this.#polling = true;
    try {
      const { spec } = this.source;
      const topics = await Promise.all(
        spec.topics.map(async (topic) => ({ topic, partitions: await this.deps.client.topicOffsets(topic) })),
      );
      const committed = await this.deps.client.committedOffsets(this.groupId, spec.topics);
      if (this.#stop.signal.aborted) return;
      this.#lag = { value: consumerLag(topics, committed, spec.initialOffset), at: this.deps.clock.now() };
      this.#setConnection({ ...this.#connection, probe: { ok: true } });
    } catch (err) {
      if (this.#stop.signal.aborted) return;
      this.#lag = undefined;
      this.#setConnection({ ...this.#connection, probe: { ok: false, error: (err as Error).message } });
    } finally {
      this.#polling = false;
    }
  }

  #setConnection(next: ConnectionState) {
    const before = JSON.stringify(this.#connection);
    this.#connection = next;
    if (JSON.stringify(next) !== before) this.deps.onChange();
  }
}
