/**
 * The Kafka client Denative's Kafka features use (KafkaSource, KafkaSink, the Kafka-backed Broker),
 * independent of any client library: produce with acknowledgement, consumer groups with manual
 * commits, and the few admin calls lag and topic checks need. `kafkajs_client.ts` implements it with
 * kafkajs; another library can replace it by implementing these interfaces.
 *
 * Offsets are Kafka's int64 offsets: decimal strings where they name a record (as kafkajs and the
 * Kafka protocol do), numbers where they are counted (lag); a partition passes 2^53 only after
 * ~9 * 10^15 records.
 */
import type { KafkaRecord } from "../eventing/cloudevents/kafka_record.ts";

export interface KafkaClient {
  /** The bootstrap servers, `host:port`. */
  readonly brokers: readonly string[];
  /**
   * Appends records to a topic (partitioned by key; no key spreads them) and resolves once every
   * in-sync replica acknowledged them (acks=all); rejects when the broker refused or could not be
   * reached within the client's retries. Calls made close together may share one request.
   */
  produce(topic: string, records: KafkaRecord[]): Promise<void>;
  /** Joins a consumer group and consumes until `stop()` or a failure; see {@link ConsumeOptions}. */
  consume(options: ConsumeOptions): ConsumerRun;
  /** Each partition of a topic with its first and next offset; rejects when the topic does not exist. */
  topicOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** The offsets a group committed on topics (`null` for a partition it never committed). */
  committedOffsets(groupId: string, topics: readonly string[]): Promise<CommittedOffset[]>;
  /** Whether a topic exists (without creating it). */
  topicExists(topic: string): Promise<boolean>;
  /** Creates a topic; resolves false when it already existed. */
  createTopic(topic: string, partitions: number, replicationFactor: number): Promise<boolean>;
  /** Ends every connection of this client (consumers it started are stopped first). */
  close(): Promise<void>;
}

/** Where a consumer group member starts on a partition its group never committed an offset for. */
export type InitialOffset = "earliest" | "latest";

export interface ConsumeOptions {
  groupId: string;
  topics: readonly string[];
  initialOffset: InitialOffset;
  /** Batches of different partitions handled at the same time. */
  partitionsConcurrently: number;
  /**
   * Handles a batch of one partition's records. Batches of one partition come one at a time and in
   * offset order. Only acknowledged records are committed; when the handler throws (or the member
   * loses the partition), the records after the last acknowledged one are consumed again.
   */
  eachBatch(batch: ConsumedBatch): Promise<void>;
  /** Told when the member joined the group, with the partitions it was given. */
  onJoin?(assignment: TopicPartition[]): void;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface ConsumedRecord extends KafkaRecord {
  topic: string;
  partition: number;
  /** The record's offset (decimal). */
  offset: string;
  /** Milliseconds since the epoch (the record's create or log-append time). */
  timestamp: number;
}

export interface ConsumedBatch {
  topic: string;
  partition: number;
  /** In offset order (offsets may have gaps: compaction, transaction markers). */
  records: ConsumedRecord[];
  /**
   * Marks every record of this partition up to and including `offset` as done. Done offsets are
   * committed to the group soon after, when the batch ends, and before the partition is given up.
   */
  ack(offset: string): void;
  /** Keeps the membership alive during long work; throws when the group rebalances (stop, then rethrow). */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the partition was taken away: stop starting records. */
  isActive(): boolean;
}

export interface ConsumerRun {
  /** Stops fetching, waits for the running batches to end, commits what was acknowledged and leaves. */
  stop(): Promise<void>;
  /** Settles when the consumer ended: `undefined` after `stop()`, the error when it failed. */
  readonly ended: Promise<Error | undefined>;
}

export interface PartitionOffsets {
  partition: number;
  /** The first offset still in the log. */
  low: number;
  /** The offset the next record will get (the high watermark). */
  high: number;
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** The next offset the group will read, or null when it never committed one. */
  offset: number | null;
}

/**
 * A failure to reach the brokers at all (refused, unresolvable, timed out), as opposed to a broker
 * that answered with an error. Implementations reject with it (or end a consumer with it) so
 * callers can report an unreachable cluster as such.
 */
export class BrokerUnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BrokerUnreachableError";
  }
}

/** Makes a client for a list of bootstrap servers. */
export type KafkaClientFactory = (brokers: readonly string[]) => KafkaClient;
