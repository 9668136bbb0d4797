/**
 * Kafka in Denative: the client interface every Kafka feature is written against (and its kafkajs
 * implementation), the shared per-cluster clients, and the pieces a consumer of events reuses
 * (batch dispatch with contiguous acknowledgement, the in-flight bound, record delivery with the
 * broker's delivery code). KafkaSource, KafkaSink and lag-aware scaling are the `kafkaExtension`.
 *
 * @example A Kafka-backed Broker's ingress and one trigger's consumer group
 * ```ts
 * const clients = new KafkaClients(kafkajsClientFactory({ log }));
 * const client = clients.get(["127.0.0.1:9092"]);
 * await client.produce(topic, [encodeKafkaBinary(event)]); // resolves once acknowledged: answer 202
 * const run = client.consume({
 *   groupId: `knative-trigger-${trigger.metadata.uid}`,
 *   topics: [topic],
 *   initialOffset: "latest",
 *   partitionsConcurrently: 16,
 *   eachBatch: (batch) =>
 *     dispatchBatch({
 *       records: batch.records,
 *       limit: new InFlightLimit(100), // unordered; leave out for ordered
 *       ack: (offset) => batch.ack(offset), // only delivered or dead-lettered records are committed
 *       heartbeat: () => batch.heartbeat(),
 *       isActive: () => batch.isActive(),
 *       keepAliveMs: 1_000,
 *       deliver: (record) => deliverRecord(decodeKafkaRecord(record), { sender, clock, stop, target }),
 *     }),
 * });
 * ```
 */
export {
  BrokerUnreachableError,
  type CommittedOffset,
  type ConsumedBatch,
  type ConsumedRecord,
  type ConsumeOptions,
  type ConsumerRun,
  type InitialOffset,
  type KafkaClient,
  type KafkaClientFactory,
  type PartitionOffsets,
  type TopicPartition,
} from "./kafka_client.ts";
export { KAFKAJS_CLIENT_DEFAULTS, KafkajsClient, kafkajsClientFactory } from "./kafkajs_client.ts";
export { clusterKey, KafkaClients } from "./kafka_clients.ts";
export { type BatchWork, dispatchBatch, type RecordResult } from "./batch_dispatch.ts";
export { InFlightLimit } from "./in_flight_limit.ts";
export { OffsetTracker } from "./offset_tracker.ts";
export {
  deliverRecord,
  type DeliveryTarget,
  type RecordDeliveryDeps,
} from "../eventing/delivery/record_delivery.ts";
export { type ConsumerLag, consumerLag, lagInstances } from "./consumer_lag.ts";
export { kafkaExtension } from "./kafka_extension.ts";
