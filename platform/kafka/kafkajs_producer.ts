/**
 * Produce with acknowledgement over kafkajs, group-commit style: while one request is at the broker,
 * records produced meanwhile wait and then go together in the next request (`sendBatch`), so a
 * thousand concurrent `produce` calls cost a handful of round trips and each caller is answered
 * only after the request holding its records was acknowledged by every in-sync replica. One request
 * at a time also keeps the records of one partition in the order `produce` was called.
 */
import { Buffer } from "node:buffer";
import type { Kafka, Message, Producer, TopicMessages } from "kafkajs";
import { Partitioners } from "kafkajs";
import type { KafkaRecord } from "../eventing/cloudevents/kafka_record.ts";

interface Pending {
  topic: string;
  messages: Message[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface ProducerSettings {
  /** Retries of one request before its callers are told it failed. */
  retries: number;
  /** Time the broker has to acknowledge a request, ms. */
  ackTimeoutMs: number;
}

export class KafkajsProducer {
  #producer: Producer;
  #connecting: Promise<void> | undefined;
  #pending: Pending[] = [];
  #sending = false;
  #closed = false;

  constructor(kafka: Kafka, private readonly settings: ProducerSettings) {
    this.#producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: true,
      retry: { retries: settings.retries, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
  }

  produce(topic: string, records: KafkaRecord[]): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("the Kafka client is closed"));
    if (records.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#pending.push({ topic, messages: records.map(messageOf), resolve, reject });
      if (!this.#sending) this.#sendPending();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const p of this.#pending.splice(0)) p.reject(new Error("the Kafka client is closed"));
    await this.#producer.disconnect().catch(() => {});
  }

  async #sendPending() {
    this.#sending = true;
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0);
      try {
        await this.#connect();
        await this.#producer.sendBatch({
          topicMessages: groupByTopic(batch),
          acks: -1,
          timeout: this.settings.ackTimeoutMs,
        });
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.#sending = false;
  }

  /** Connects on first use and again after a failed connect (the broker may be back). */
  #connect(): Promise<void> {
    this.#connecting ??= this.#producer.connect().catch((err) => {
      this.#connecting = undefined;
      throw err;
    });
    return this.#connecting;
  }
}

function messageOf(record: KafkaRecord): Message {
  const headers: Record<string, Buffer | string> = {};
  for (const [name, value] of Object.entries(record.headers)) {
    headers[name] = typeof value === "string" ? value : bufferOf(value);
  }
  const key = record.key === undefined || record.key === null
    ? null
    : typeof record.key === "string"
    ? record.key
    : bufferOf(record.key);
  return { key, value: record.value === null ? null : bufferOf(record.value), headers };
}

function groupByTopic(batch: Pending[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const p of batch) {
    const list = byTopic.get(p.topic);
    if (list) list.push(...p.messages);
    else byTopic.set(p.topic, [...p.messages]);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/** A Buffer over the same bytes (no copy). */
function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
