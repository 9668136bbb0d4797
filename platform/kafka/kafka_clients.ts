/**
 * One shared client per set of bootstrap servers, so every KafkaSource, KafkaSink and Kafka-backed
 * Broker of a node that talks to the same cluster shares its producer and admin connections. The
 * order of the servers does not matter; a server named twice counts once.
 */
import type { KafkaClient, KafkaClientFactory } from "./kafka_client.ts";

export class KafkaClients {
  #clients = new Map<string, KafkaClient>();

  constructor(private readonly factory: KafkaClientFactory) {}

  /** The client for these bootstrap servers, made on first use. */
  get(brokers: readonly string[]): KafkaClient {
    const key = clusterKey(brokers);
    let client = this.#clients.get(key);
    if (!client) {
      client = this.factory([...new Set(brokers)].sort());
      this.#clients.set(key, client);
    }
    return client;
  }

  async closeAll(): Promise<void> {
    const clients = [...this.#clients.values()];
    this.#clients.clear();
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
  }
}

/** The key of a set of bootstrap servers: sorted, deduplicated, comma-joined. */
export function clusterKey(brokers: readonly string[]): string {
  return [...new Set(brokers)].sort().join(",");
}
