/**
 * A consumer group member over kafkajs, as `KafkaClient.consume` promises it: batches per partition
 * with manual acknowledgement (kafkajs' `resolveOffset`, with auto-resolve off), acknowledged offsets
 * committed at most a second later, at the end of each batch and before a rebalance. kafkajs does not
 * restart a crashed consumer here: the caller sees `ended` settle with the error and decides.
 */
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from "kafkajs";
import type {
  ConsumedBatch,
  ConsumedRecord,
  ConsumeOptions,
  ConsumerRun,
  TopicPartition,
} from "./kafka_client.ts";
import { kafkajsError } from "./kafkajs_errors.ts";

export interface ConsumerSettings {
  /** A member that sends no heartbeat for this long is dropped from its group, ms (broker minimum 6 s). */
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** How long a fetch waits at the broker for new records, ms; also bounds how long stop() waits. */
  maxWaitMs: number;
  /** Acknowledged offsets are committed at least this often, ms. */
  commitIntervalMs: number;
  /** Retries of a failing request before the consumer gives up (and `ended` settles with the error). */
  retries: number;
  /**
   * How long stop() waits for the member to finish its batch and leave, ms; a member that cannot
   * (its broker is gone) is abandoned, and its group drops it when its session runs out.
   */
  stopTimeoutMs: number;
}

export function runKafkajsConsumer(
  kafka: Kafka,
  options: ConsumeOptions,
  settings: ConsumerSettings,
): ConsumerRun {
  const consumer = kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: settings.sessionTimeoutMs,
    heartbeatInterval: settings.heartbeatIntervalMs,
    maxWaitTimeInMs: settings.maxWaitMs,
    allowAutoTopicCreation: true,
    retry: {
      retries: settings.retries,
      initialRetryTime: 300,
      maxRetryTime: 5_000,
      restartOnFailure: () => Promise.resolve(false),
    },
  });
  let settle!: (err: Error | undefined) => void;
  let settled = false;
  const ended = new Promise<Error | undefined>((resolve) => {
    settle = (err) => {
      if (settled) return;
      settled = true;
      resolve(err);
    };
  });
  consumer.on(consumer.events.CRASH, (event) => settle(kafkajsError(event.payload.error)));
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    options.onJoin?.(assignmentOf(event.payload.memberAssignment));
  });

  const start = async () => {
    try {
      await consumer.connect();
      await consumer.subscribe({
        topics: [...options.topics],
        fromBeginning: options.initialOffset === "earliest",
      });
      await consumer.run({
        autoCommit: true,
        autoCommitInterval: settings.commitIntervalMs,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConcurrently,
        eachBatch: (payload) => options.eachBatch(batchOf(payload)),
      });
    } catch (err) {
      await consumer.disconnect().catch(() => {});
      settle(kafkajsError(err));
    }
  };
  start();

  return {
    ended,
    async stop() {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<void>((resolve) => timer = setTimeout(resolve, settings.stopTimeoutMs));
      await Promise.race([stopConsumer(consumer), timeout]);
      clearTimeout(timer);
      settle(undefined);
    },
  };
}

async function stopConsumer(consumer: Consumer) {
  try {
    await consumer.disconnect();
  } catch {
    // Leaving a group on a broker that is gone fails; the group forgets the member after its session.
  }
}

function batchOf(payload: EachBatchPayload): ConsumedBatch {
  const { batch } = payload;
  return {
    topic: batch.topic,
    partition: batch.partition,
    records: batch.messages.map((m) => recordOf(batch.topic, batch.partition, m)),
    ack: (offset) => payload.resolveOffset(offset),
    async heartbeat() {
      await payload.commitOffsetsIfNecessary();
      await payload.heartbeat();
    },
    isActive: () => payload.isRunning() && !payload.isStale(),
  };
}

function recordOf(topic: string, partition: number, message: KafkaMessage): ConsumedRecord {
  const headers: Record<string, Uint8Array | string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers[name] = first;
  }
  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: Number(message.timestamp),
    key: message.key,
    value: message.value,
    headers,
  };
}

function assignmentOf(assignment: Record<string, number[]>): TopicPartition[] {
  return Object.entries(assignment).flatMap(([topic, partitions]) =>
    partitions.map((partition) => ({ topic, partition }))
  );
}
