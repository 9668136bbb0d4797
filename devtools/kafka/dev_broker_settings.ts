import { join } from "node:path";
import { tmpdir } from "node:os";
import { DevServerError } from "../dev_server_error.ts";

/**
 * Kafka release the dev broker runs. See the header of dev_broker.ts for why this one (kafkajs 2.2.4
 * compatibility was checked against it). Override with `KAFKA_VERSION`.
 */
export const DEFAULT_KAFKA_VERSION = "4.4.0";
export const DEFAULT_KAFKA_PORT = 9092;
export const DEFAULT_HEAP_OPTS = "-Xms128m -Xmx512m";
export const LOOPBACK_HOST = "127.0.0.1";

/** Everything `up` and `down` need to know, derived from the environment. */
export interface DevBrokerSettings {
  readonly version: string;
  readonly host: string;
  readonly port: number;
  /** Preferred controller (KRaft quorum) port; another free loopback port is used if it is taken. */
  readonly controllerPort: number;
  /** `host:port`, what clients put in their bootstrap list. */
  readonly address: string;
  readonly heapOpts: readonly string[];
  /** Jars and the generated pom of this Kafka version: `<cache>/denative/kafka/<version>/`. */
  readonly versionDir: string;
  /** Per-port state of one running broker: pid file, config, log and data dir. */
  readonly runDir: string;
  readonly dataDir: string;
  readonly pidFile: string;
  readonly logFile: string;
  readonly propertiesFile: string;
  readonly log4jFile: string;
  /**
   * `KAFKA_KEEP_DATA=1`: `down` keeps the data dir and `up` starts on it when it was formatted before,
   * so topics, records and committed offsets outlive a stop (for outage tests).
   */
  readonly keepData: boolean;
}

export function devBrokerSettings(env: Deno.Env = Deno.env): DevBrokerSettings {
  const version = env.get("KAFKA_VERSION") ?? DEFAULT_KAFKA_VERSION;
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    throw new DevServerError(`KAFKA_VERSION must look like 4.4.0, got "${version}"`);
  }
  const port = parsePort("KAFKA_PORT", env.get("KAFKA_PORT"), DEFAULT_KAFKA_PORT);
  const controllerPort = parsePort("KAFKA_CONTROLLER_PORT", env.get("KAFKA_CONTROLLER_PORT"), port + 1);
  const kafkaCache = join(cacheHome(env), "denative", "kafka");
  const runDir = join(kafkaCache, `broker-${port}`);
  return {
    version,
    host: LOOPBACK_HOST,
    port,
    controllerPort,
    address: `${LOOPBACK_HOST}:${port}`,
    heapOpts: (env.get("KAFKA_HEAP_OPTS") ?? DEFAULT_HEAP_OPTS).split(/\s+/).filter((s) => s !== ""),
    versionDir: join(kafkaCache, version),
    runDir,
    dataDir: join(runDir, "data"),
    pidFile: join(runDir, "broker.pid"),
    logFile: join(runDir, "broker.log"),
    propertiesFile: join(runDir, "server.properties"),
    log4jFile: join(runDir, "log4j2.properties"),
    keepData: ["1", "true", "yes"].includes((env.get("KAFKA_KEEP_DATA") ?? "").toLowerCase()),
  };
}

function parsePort(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new DevServerError(`${name} must be a port number (1-65535), got "${raw}"`);
  }
  return port;
}

function cacheHome(env: Deno.Env): string {
  const xdg = env.get("XDG_CACHE_HOME");
  if (xdg) return xdg;
  const home = env.get("HOME");
  return home ? join(home, ".cache") : join(tmpdir(), "denative-cache");
}
