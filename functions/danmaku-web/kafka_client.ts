/**
 * One kafkajs client per instance, configured to fail fast: a page should hear "Kafka is
 * unreachable" within seconds, not after kafkajs' default minute of retries.
 */
import { Kafka, logLevel } from "./kafkajs.ts";
import type { KafkaSettings } from "./kafka_settings.ts";

export function kafkaClient(settings: KafkaSettings, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: settings.brokers,
    connectionTimeout: 2000,
    requestTimeout: 10_000,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
    logLevel: logLevel.ERROR,
    logCreator: () => ({ namespace, log }) => console.error(`kafkajs ${namespace}: ${log.message}`),
  });
}
