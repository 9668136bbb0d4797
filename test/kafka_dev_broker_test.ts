/**
 * Round trip through a real Kafka broker with kafkajs: create a topic, produce 100 messages, read them all
 * back in order through a consumer group. Needs `KAFKA_BROKERS` (e.g. from `deno task kafka:up`:
 * KAFKA_BROKERS=127.0.0.1:9092). Without a reachable broker it is skipped, except under CI=true where it
 * fails instead.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { type Consumer, Kafka, logLevel, Partitioners } from "kafkajs";
import { silenceKafkajsTimeoutWarning } from "../platform/kafka/timeout_warning_filter.ts";
import { unreachable } from "./kafka_test_env.ts";

const MESSAGE_COUNT = 100;
const CONSUME_TIMEOUT_MS = 30_000;

const brokers = (Deno.env.get("KAFKA_BROKERS") ?? "").split(",").map((b) => b.trim()).filter((b) => b !== "");
const unavailable = brokers.length === 0 ? "KAFKA_BROKERS is not set" : await unreachable(brokers);
const inCi = Deno.env.get("CI") === "true";
if (unavailable !== undefined && !inCi) {
  console.warn(`skipping kafka dev broker test: ${unavailable} (start one with \`deno task kafka:up\`)`);
}

Deno.test({
  name: "kafka dev broker: 100 messages round-trip in order through a consumer group",
  ignore: unavailable !== undefined && !inCi,
  fn: async () => {
    if (unavailable !== undefined) throw new Error(`CI=true requires a Kafka broker: ${unavailable}`);
    silenceKafkajsTimeoutWarning();
    await roundTrip(brokers);
  },
});

async function roundTrip(brokers: string[]): Promise<void> {
  const run = crypto.randomUUID();
  const topic = `denative-dev-broker-test-${run}`;
  const groupId = `denative-dev-broker-test-group-${run}`;
  const kafka = new Kafka({ clientId: "denative-dev-broker-test", brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 500 });
  try {
    await admin.connect();
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    strictEqual(created, true, `topic ${topic} was not created`);

    const sent = Array.from({ length: MESSAGE_COUNT }, (_, i) => `message-${i}`);
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: sent.map((value, i) => ({ key: `key-${i}`, value })) });

    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const received = await consume(consumer, MESSAGE_COUNT, CONSUME_TIMEOUT_MS);
    deepStrictEqual(received.map((m) => m.value), sent);
    deepStrictEqual(received.map((m) => m.offset), sent.map((_, i) => String(i)));

    // Leaving the group commits the consumed position; the broker must report it for the group.
    await consumer.disconnect();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    deepStrictEqual(committed.partitions.map((p) => p.offset), [String(MESSAGE_COUNT)]);
    await admin.deleteGroups([groupId]);
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
    await admin.disconnect();
  }
}

interface Received {
  readonly offset: string;
  readonly value: string;
}

/** Runs the consumer until `count` messages arrived (in arrival order) or `timeoutMs` passed. */
async function consume(consumer: Consumer, count: number, timeoutMs: number): Promise<Received[]> {
  const received: Received[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const all = new Promise<void>((resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`received ${received.length} of ${count} messages within ${timeoutMs} ms`)),
      timeoutMs,
    );
    consumer.run({
      eachMessage: ({ message }) => {
        received.push({ offset: message.offset, value: message.value?.toString() ?? "" });
        if (received.length === count) resolve();
        return Promise.resolve();
      },
    }).catch(reject);
  });
  try {
    await all;
  } finally {
    clearTimeout(timer);
  }
  return received;
}
