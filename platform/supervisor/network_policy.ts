/**
 * What functions may not reach on the network, enforced below user code: the pool host process is
 * spawned with `--deny-net=<this list>`, and Deno applies a process's denials to every worker in it
 * (an isolate cannot undo them). Deno checks the address a name resolves to but takes no ranges, so
 * each port is denied under every loopback name; what stays open is measured in README ("Security
 * model"): other 127.x addresses (and names resolving to them), the machine's other addresses, and
 * listening on 127.0.0.1. `--net-sandbox strict` (net_sandbox.ts) closes those; this list still applies.
 */

/** PostgreSQL, MySQL/MariaDB, Redis, Kafka, RabbitMQ, NATS, MQTT, Zipkin. */
export const LOCAL_SERVICE_PORTS = [5432, 3306, 6379, 9092, 5672, 4222, 1883, 9411] as const;

/** The names and addresses loopback goes by (Deno compares hosts as text). */
export const LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]", "0.0.0.0", "[::]"] as const;

/** Hosts denied on every port: the cloud metadata service, and every-interface addresses (no listening). */
export const DENIED_HOSTS = ["169.254.169.254", "0.0.0.0", "[::]"] as const;

export interface NetworkPolicyInput {
  /** The platform's own ports (admin, API); 0 (not known yet) is left out. */
  platformPorts: number[];
  /** `host:port` entries of servers the platform uses (Kafka bootstrap servers...). */
  platformServers?: string[];
  /** The operator's `--deny-net` entries (`host`, `host:port`). */
  extra?: string[];
  /** The operator's `--allow-net` entries, taken off the list (exact entries). */
  allow?: string[];
}

/** The `--deny-net` list for pool hosts. */
export function deniedNetwork(input: NetworkPolicyInput): string[] {
  const denied = new Set<string>(DENIED_HOSTS);
  const ports = [...LOCAL_SERVICE_PORTS, ...input.platformPorts.filter((p) => p > 0)];
  for (const port of ports) {
    for (const host of LOOPBACK_HOSTS) denied.add(`${host}:${port}`);
  }
  for (const server of input.platformServers ?? []) denied.add(server);
  for (const entry of input.extra ?? []) denied.add(entry);
  for (const entry of input.allow ?? []) denied.delete(entry);
  return [...denied];
}
