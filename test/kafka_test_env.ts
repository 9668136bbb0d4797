/**
 * What the Kafka integration tests share: the broker from `KAFKA_BROKERS` (skipped with a one-line
 * reason when it is unset or unreachable, except under CI=true where the tests fail instead), a
 * kafkajs admin and producer to set topics up and feed them, reading a topic back, the committed
 * offsets of a group, and small helpers for the platform's Kafka resources.
 */
import { Kafka, logLevel, Partitioners } from "kafkajs";
import type { Admin, IHeaders, Message, Producer } from "kafkajs";
import { silenceKafkajsTimeoutWarning } from "../platform/kafka/timeout_warning_filter.ts";
export { eventually } from "./harness.ts";
import { serverTest } from "./server_test.ts";
export { condition, type Conditioned, putResource, serviceSink } from "./resources.ts";

export const KAFKA_BROKERS = (Deno.env.get("KAFKA_BROKERS") ?? "").split(",").map((b) => b.trim()).filter(
  Boolean,
);

/** undefined when one of the brokers accepts a TCP connection, else why none did. */
export async function unreachable(brokers: readonly string[]): Promise<string | undefined> {
  if (brokers.length === 0) return "KAFKA_BROKERS is not set (start a broker with `deno task kafka:up`)";
  const reasons: string[] = [];
  for (const broker of brokers) {
    const [hostname, port] = broker.split(/:(?=\d+$)/);
    try {
      const conn = await Deno.connect({
        hostname,
        port: Number(port ?? 9092),
        signal: AbortSignal.timeout(2_000),
      });
      conn.close();
      return undefined;
    } catch (error) {
      reasons.push(`${broker}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return `no broker in KAFKA_BROKERS is reachable (${reasons.join("; ")})`;
}

/**
 * Deno.test for a test that needs the broker: ignored (with one line saying why) when there is
 * none, failing under CI=true. kafkajs keeps timers and sockets past a test's end, so the
 * sanitizers are off.
 */
export function kafkaTest(
  name: string,
  fn: (t: Deno.TestContext) => Promise<void>,
  missing: string | undefined,
) {
  serverTest(name, fn, missing, { needs: "a Kafka broker", before: silenceKafkajsTimeoutWarning });
}

/** A kafkajs admin and producer for setting up topics and feeding them. */
export class TestKafka {
  readonly kafka: Kafka;
  #admin: Admin;
  #producer: Producer;

  private constructor(readonly brokers: readonly string[]) {
    this.kafka = new Kafka({ clientId: "denative-test", brokers: [...brokers], logLevel: logLevel.NOTHING });
    this.#admin = this.kafka.admin();
    this.#producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  }

  static async connect(brokers: readonly string[] = KAFKA_BROKERS): Promise<TestKafka> {
    silenceKafkajsTimeoutWarning();
    const k = new TestKafka(brokers);
    await k.#admin.connect();
    await k.#producer.connect();
    return k;
  }

  /** Creates a topic named `prefix-<random>` and returns its name. */
  async topic(prefix: string, partitions: number): Promise<string> {
    const topic = `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
    await this.createTopic(topic, partitions);
    return topic;
  }

  async createTopic(topic: string, partitions: number) {
    await this.#admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  }

  /** Produces in chunks (acks=all), in order. */
  async produce(topic: string, messages: Message[]) {
    for (let i = 0; i < messages.length; i += 2_000) {
      await this.#producer.send({ topic, acks: -1, messages: messages.slice(i, i + 2_000) });
    }
  }

  /** Committed offsets of a group on a topic, by partition (-1: none). */
  async committed(groupId: string, topic: string): Promise<number[]> {
    const [offsets] = await this.#admin.fetchOffsets({ groupId, topics: [topic] });
    return offsets.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
  }

  /** Reads `count` records of a topic from the beginning with a fresh group. */
  async read(topic: string, count: number, timeoutMs = 15_000): Promise<ReadRecord[]> {
    const consumer = this.kafka.consumer({
      groupId: `denative-test-reader-${crypto.randomUUID()}`,
      maxWaitTimeInMs: 200,
    });
    const got: ReadRecord[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`read ${got.length} of ${count} records of ${topic}`)),
          timeoutMs,
        );
        consumer.run({
          eachMessage: ({ message, partition }) => {
            got.push({ partition, key: message.key, value: message.value, headers: message.headers ?? {} });
            if (got.length >= count) {
              clearTimeout(timer);
              resolve();
            }
            return Promise.resolve();
          },
        }).catch(reject);
      });
    } finally {
      await consumer.disconnect().catch(() => {});
    }
    return got;
  }

  async close() {
    await this.#producer.disconnect().catch(() => {});
    await this.#admin.disconnect().catch(() => {});
  }
}

export interface ReadRecord {
  partition: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: IHeaders;
}

export const KAFKA_SOURCES = "/apis/sources.knative.dev/v1/namespaces/default/kafkasources";
export const KAFKA_SINKS = "/apis/eventing.knative.dev/v1alpha1/namespaces/default/kafkasinks";

/** A KafkaSource document. */
export function kafkaSource(
  name: string,
  spec: Record<string, unknown>,
  annotations?: Record<string, string>,
) {
  return {
    apiVersion: "sources.knative.dev/v1",
    kind: "KafkaSource",
    metadata: { name, ...(annotations ? { annotations } : {}) },
    spec,
  };
}
