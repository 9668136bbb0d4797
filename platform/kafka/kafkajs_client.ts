/**
 * `KafkaClient` implemented with kafkajs (pure JavaScript, works in Deno through npm:). One kafkajs
 * instance per list of bootstrap servers; the producer and the admin client connect on first use and
 * again after a failure (a broker that restarted is found again); every consumer is its own member.
 * kafkajs' own logs go to the platform logger, warnings and errors only, throttled.
 */
import { type Admin, Kafka } from "kafkajs";
import type { Logger } from "../log.ts";
import type { KafkaRecord } from "../eventing/cloudevents/kafka_record.ts";
import type {
  CommittedOffset,
  ConsumeOptions,
  ConsumerRun,
  KafkaClient,
  KafkaClientFactory,
  PartitionOffsets,
} from "./kafka_client.ts";
import { kafkajsLogCreator } from "./kafkajs_logging.ts";
import { KafkajsProducer } from "./kafkajs_producer.ts";
import { type ConsumerSettings, runKafkajsConsumer } from "./kafkajs_consumer.ts";
import { silenceKafkajsTimeoutWarning } from "./timeout_warning_filter.ts";
import { kafkajsError } from "./kafkajs_errors.ts";

/** Every timeout and retry count of the kafkajs client, in one place. */
export const KAFKAJS_CLIENT_DEFAULTS = {
  clientId: "denative",
  /** TCP connect to a broker, ms. */
  connectionTimeoutMs: 3_000,
  /** Any single request, ms. */
  requestTimeoutMs: 10_000,
  /** Retries of connecting to the cluster (kafkajs uses the client-wide setting for that). */
  connectRetries: 2,
  producerRetries: 3,
  /** Time the broker has to acknowledge a produce, ms. */
  ackTimeoutMs: 10_000,
  adminRetries: 1,
  consumer: {
    // Short, so a member that died (a killed node) is replaced within seconds, not the default 30.
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 3_000,
    maxWaitMs: 1_000,
    commitIntervalMs: 500,
    retries: 5,
    stopTimeoutMs: 5_000,
  } satisfies ConsumerSettings,
  /** How long close() waits for the producer and admin connections to end, ms. */
  closeTimeoutMs: 2_000,
} as const;

export interface KafkajsClientOptions {
  log: Logger;
  clientId?: string;
}

/** A factory of kafkajs-backed clients that log into `log`. */
export function kafkajsClientFactory(options: KafkajsClientOptions): KafkaClientFactory {
  return (brokers) => new KafkajsClient(brokers, options);
}

export class KafkajsClient implements KafkaClient {
  readonly brokers: readonly string[];
  #kafka: Kafka;
  #producer: KafkajsProducer;
  #admin: Promise<Admin> | undefined;
  #runs = new Set<ConsumerRun>();
  #closed = false;

  constructor(brokers: readonly string[], options: KafkajsClientOptions) {
    silenceKafkajsTimeoutWarning();
    const d = KAFKAJS_CLIENT_DEFAULTS;
    this.brokers = [...brokers];
    this.#kafka = new Kafka({
      clientId: options.clientId ?? d.clientId,
      brokers: [...brokers],
      connectionTimeout: d.connectionTimeoutMs,
      requestTimeout: d.requestTimeoutMs,
      retry: { retries: d.connectRetries, initialRetryTime: 200, maxRetryTime: 2_000 },
      logCreator: kafkajsLogCreator(options.log),
    });
    this.#producer = new KafkajsProducer(this.#kafka, {
      retries: d.producerRetries,
      ackTimeoutMs: d.ackTimeoutMs,
    });
  }

  produce(topic: string, records: KafkaRecord[]): Promise<void> {
    return this.#producer.produce(topic, records).catch((err) => Promise.reject(kafkajsError(err)));
  }

  consume(options: ConsumeOptions): ConsumerRun {
    if (this.#closed) throw new Error("the Kafka client is closed");
    const run = runKafkajsConsumer(this.#kafka, options, KAFKAJS_CLIENT_DEFAULTS.consumer);
    this.#runs.add(run);
    run.ended.then(() => this.#runs.delete(run));
    return run;
  }

  topicOffsets(topic: string): Promise<PartitionOffsets[]> {
    return this.#withAdmin(async (admin) => {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets
        .map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }))
        .sort((a, b) => a.partition - b.partition);
    });
  }

  committedOffsets(groupId: string, topics: readonly string[]): Promise<CommittedOffset[]> {
    return this.#withAdmin(async (admin) => {
      const byTopic = await admin.fetchOffsets({ groupId, topics: [...topics] });
      return byTopic.flatMap(({ topic, partitions }) =>
        partitions.map((p) => {
          const offset = Number(p.offset);
          return { topic, partition: p.partition, offset: offset < 0 ? null : offset };
        })
      );
    });
  }

  topicExists(topic: string): Promise<boolean> {
    return this.#withAdmin(async (admin) => (await admin.listTopics()).includes(topic));
  }

  createTopic(topic: string, partitions: number, replicationFactor: number): Promise<boolean> {
    return this.#withAdmin((admin) =>
      admin.createTopics({
        topics: [{ topic, numPartitions: partitions, replicationFactor }],
        waitForLeaders: true,
      })
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#runs].map((run) => run.stop()));
    const admin = this.#admin;
    this.#admin = undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all([this.#producer.close(), admin?.then((a) => a.disconnect()).catch(() => {})]),
      new Promise((resolve) => timer = setTimeout(resolve, KAFKAJS_CLIENT_DEFAULTS.closeTimeoutMs)),
    ]);
    clearTimeout(timer);
  }

  /** Runs an admin call; after a failure the admin client is replaced, so a restarted broker is found. */
  async #withAdmin<T>(call: (admin: Admin) => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error("the Kafka client is closed");
    this.#admin ??= this.#connectAdmin();
    const pending = this.#admin;
    try {
      return await call(await pending);
    } catch (err) {
      if (this.#admin === pending) this.#admin = undefined;
      pending.then((a) => a.disconnect()).catch(() => {});
      throw kafkajsError(err);
    }
  }

  async #connectAdmin(): Promise<Admin> {
    const admin = this.#kafka.admin({
      retry: { retries: KAFKAJS_CLIENT_DEFAULTS.adminRetries, initialRetryTime: 200, maxRetryTime: 1_000 },
    });
    await admin.connect();
    return admin;
  }
}
