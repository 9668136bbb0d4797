/**
 * Every default, once, and the only place that reads flags and `DENATIVE_*` environment variables.
 *
 * Each flag `--some-flag` also has the variable `DENATIVE_SOME_FLAG`; a flag wins over its variable.
 */
import { parseArgs } from "node:util";
import { type AutoscalerDefaults, DEFAULT_AUTOSCALER_DEFAULTS } from "./autoscaler/autoscaling_spec.ts";
import { parseDurationMs } from "./autoscaler/duration.ts";

/** Limits every revision's instances run under, and the supervisor's patience with them. */
export const INSTANCE_DEFAULTS = {
  /** V8 heap limit of each isolate, MiB; a function that passes it ends only its own pool host. */
  maxHeapMb: 256,
  /** Resident memory at which a pool host is killed, MiB (ArrayBuffers escape the heap limit). */
  maxHostRssMb: 1024,
  /** How long a pool host may take to spawn and connect back, ms. */
  connectTimeoutMs: 15_000,
  /** How long an instance may take to load its code (npm imports may download), ms. */
  instanceStartTimeoutMs: 60_000,
  /** How long a timed-out instance has to answer a ping before its host is killed, ms. */
  stuckProbeMs: 1_000,
  /** Queue slots per instance per unit of containerConcurrency (Knative's queue-proxy: 10). */
  queueDepthFactor: 10,
  /** Queue bound when containerConcurrency is 0 (unlimited). */
  unboundedQueueDepth: 10_000,
  /** Pool hosts kept spawned and idle, each with a spare worker, so a cold start spawns nothing. */
  warmHosts: 1,
} as const;

/** The Kubernetes-compatible API's watch limits. */
export const KUBE_API_DEFAULTS = {
  /** Changes kept in memory for watches that resume from a resourceVersion; older ones get 410 Expired. */
  watchHistory: 10_000,
  /** How often a watch that asked for bookmarks gets one, ms. */
  bookmarkIntervalMs: 30_000,
  /** The longest a watch stays open (Kubernetes: 30 to 60 minutes), s. */
  maxWatchSeconds: 1800,
} as const;

/** Knative's revision defaults. */
export const REVISION_DEFAULTS = {
  timeoutSeconds: 300,
  maxTimeoutSeconds: 600,
  /** 0 = unlimited. */
  containerConcurrency: 0,
} as const;

export interface ServeConfig {
  /** Data plane port (functions, broker ingress, webhooks), all interfaces. */
  port: number;
  host: string;
  /** Admin API, dashboard and /metrics. */
  adminPort: number;
  adminHost: string;
  /** The Kubernetes-compatible API over HTTPS (kubectl, client libraries), bound on adminHost. */
  apiPort: number;
  /** State directory: resources, code bundles, event logs. */
  state: string;
  /** Every directory in it is deployed as a Service in namespace `default`. */
  functions: string;
  watch: boolean;
  /** Domain for host-based routing: `{service}.{namespace}.{domain}`. */
  domain: string;
  /** Admin bearer token; generated into `<state>/admin-token` when not given. */
  token?: string;
  /** Wait this long after a file change before redeploying, ms. */
  watchDebounceMs: number;
  /** On shutdown, how long in-flight requests may take to finish, ms. */
  drainTimeoutMs: number;
  /** Where Deno keeps its module cache, handed to pool hosts so `npm:` imports resolve the same. */
  denoDir?: string;
  /** Leave out info-level lines (warnings and errors stay), and the start banner. */
  quiet: boolean;
  /** The platform's own log: readable lines, or JSON lines for log shippers. */
  logFormat: LogFormat;
  /** Cluster-wide autoscaling defaults (Knative's config-autoscaler), each overridable per revision. */
  autoscaler: AutoscalerDefaults;
  /**
   * The Kafka cluster (`host:port` list) of Kafka-class Brokers without their own
   * `kafka.eventing.knative.dev/bootstrap.servers` annotation.
   */
  kafkaBootstrapServers: string[];
  /**
   * Cluster mode: `postgres://...` of the database every node shares (resources, bundles, the admin
   * token and CA, nodes). Unset: the embedded single-node store (SQLite in the state directory).
   */
  database?: string;
  /** This node's name in the cluster; defaults to `<hostname>:<port>`. */
  nodeName?: string;
  /**
   * The port Service URLs name, when clients come through a load balancer on another port than
   * the data port (every node of a cluster must show the same URLs). Default: the data port.
   */
  publicPort?: number;
}

/** Cluster mode's timings. */
export const CLUSTER_DEFAULTS = {
  /** How often a node renews its heartbeat, ms. */
  heartbeatIntervalMs: 2_000,
  /** A node whose heartbeat is older than this is NotReady (the issue asks for at most 10 s), ms. */
  nodeLeaseMs: 8_000,
  /** A singleton's lease (ApiServerSource dispatch): taken over this long after its holder stops renewing, ms. */
  leaseDurationMs: 7_000,
  leaseRenewMs: 2_000,
  /** On SIGTERM, how long /healthz answers 503 before the data port closes, ms. */
  drainNoticeMs: 2_000,
} as const;

/**
 * Flags for the cluster-wide autoscaler defaults, named after Knative's config-autoscaler keys
 * (`--stable-window 60s`, `--scale-to-zero-grace-period 30s`, `--enable-scale-to-zero false`...).
 */
const AUTOSCALER_FLAGS: Record<
  string,
  { key: keyof AutoscalerDefaults; kind: "duration" | "number" | "bool" }
> = {
  "stable-window": { key: "stableWindowMs", kind: "duration" },
  "scale-to-zero-grace-period": { key: "scaleToZeroGracePeriodMs", kind: "duration" },
  "scale-to-zero-pod-retention-period": { key: "scaleToZeroPodRetentionPeriodMs", kind: "duration" },
  "tick-interval": { key: "tickIntervalMs", kind: "duration" },
  "scale-down-delay": { key: "scaleDownDelayMs", kind: "duration" },
  "enable-scale-to-zero": { key: "enableScaleToZero", kind: "bool" },
  "max-scale-up-rate": { key: "maxScaleUpRate", kind: "number" },
  "max-scale-down-rate": { key: "maxScaleDownRate", kind: "number" },
  "panic-window-percentage": { key: "panicWindowPercentage", kind: "number" },
  "panic-threshold-percentage": { key: "panicThresholdPercentage", kind: "number" },
  "container-concurrency-target-default": { key: "containerConcurrencyTargetDefault", kind: "number" },
  "target-utilization-percentage": { key: "targetUtilizationPercentage", kind: "number" },
  "initial-scale": { key: "initialScale", kind: "number" },
  "max-scale": { key: "maxScale", kind: "number" },
};

export const LOG_FORMATS = ["text", "json"] as const;
export type LogFormat = typeof LOG_FORMATS[number];

export const SERVE_DEFAULTS: ServeConfig = {
  port: 8080,
  host: "0.0.0.0",
  adminPort: 8081,
  adminHost: "127.0.0.1",
  apiPort: 6443,
  state: ".denative",
  functions: "functions",
  watch: true,
  domain: "localhost",
  watchDebounceMs: 300,
  drainTimeoutMs: 30_000,
  quiet: false,
  logFormat: "text",
  autoscaler: DEFAULT_AUTOSCALER_DEFAULTS,
  kafkaBootstrapServers: ["127.0.0.1:9092"],
};

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function envOf(flag: string, env: Env): string | undefined {
  return env[`DENATIVE_${flag.replaceAll("-", "_").toUpperCase()}`];
}

function toPort(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new ConfigError(`--${flag}: "${value}" is not a port`);
  }
  return n;
}

/** A comma-separated `host:port` list. */
function toServers(flag: string, value: string | undefined, fallback: string[]): string[] {
  if (value === undefined) return fallback;
  const servers = value.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = servers.find((s) => !/^[^\s,:]+:\d{1,5}$/.test(s));
  if (servers.length === 0 || bad !== undefined) {
    throw new ConfigError(`--${flag}: "${bad ?? value}" is not a host:port list`);
  }
  return servers;
}

function toLogFormat(value: string | undefined, fallback: LogFormat): LogFormat {
  if (value === undefined) return fallback;
  if (!(LOG_FORMATS as readonly string[]).includes(value)) {
    throw new ConfigError(`--log-format: "${value}" is not one of ${LOG_FORMATS.join(", ")}`);
  }
  return value as LogFormat;
}

function toBool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return !["0", "false", "no", "off", ""].includes(value.toLowerCase());
}

export function loadServeConfig(args: string[], env: Env = Deno.env.toObject()): ServeConfig {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "admin-port": { type: "string" },
      "admin-host": { type: "string" },
      "api-port": { type: "string" },
      state: { type: "string" },
      functions: { type: "string" },
      "no-watch": { type: "boolean" },
      domain: { type: "string" },
      token: { type: "string" },
      quiet: { type: "boolean" },
      "log-format": { type: "string" },
      "kafka-bootstrap-servers": { type: "string" },
      database: { type: "string" },
      "node-name": { type: "string" },
      "public-port": { type: "string" },
      ...Object.fromEntries(Object.keys(AUTOSCALER_FLAGS).map((f) => [f, { type: "string" as const }])),
    },
    strict: true,
  });
  const pick = (flag: string) => (values as Record<string, string | undefined>)[flag] ?? envOf(flag, env);
  const d = SERVE_DEFAULTS;
  const noWatch = values["no-watch"] ?? toBool(envOf("no-watch", env), false);
  return {
    port: toPort("port", pick("port"), d.port),
    host: pick("host") ?? d.host,
    adminPort: toPort("admin-port", pick("admin-port"), d.adminPort),
    adminHost: pick("admin-host") ?? d.adminHost,
    apiPort: toPort("api-port", pick("api-port"), d.apiPort),
    state: pick("state") ?? d.state,
    functions: pick("functions") ?? d.functions,
    watch: !noWatch && toBool(envOf("watch", env), d.watch),
    domain: pick("domain") ?? d.domain,
    token: pick("token") || undefined,
    watchDebounceMs: d.watchDebounceMs,
    drainTimeoutMs: d.drainTimeoutMs,
    denoDir: env.DENO_DIR,
    quiet: (values.quiet as boolean | undefined) ?? toBool(envOf("quiet", env), d.quiet),
    logFormat: toLogFormat(pick("log-format"), d.logFormat),
    autoscaler: autoscalerDefaults(pick),
    kafkaBootstrapServers: toServers(
      "kafka-bootstrap-servers",
      pick("kafka-bootstrap-servers"),
      d.kafkaBootstrapServers,
    ),
    database: toDatabaseUrl(pick("database")),
    nodeName: pick("node-name") || undefined,
    publicPort: pick("public-port") ? toPort("public-port", pick("public-port"), 0) : undefined,
  };
}

function toDatabaseUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (!/^postgres(ql)?:\/\//.test(value)) {
    throw new ConfigError(`--database: "${value.replace(/\/\/[^@/]*@/, "//")}" is not a postgres:// URL`);
  }
  return value;
}

function autoscalerDefaults(pick: (flag: string) => string | undefined): AutoscalerDefaults {
  const out: Record<string, unknown> = { ...DEFAULT_AUTOSCALER_DEFAULTS };
  for (const [flag, { key, kind }] of Object.entries(AUTOSCALER_FLAGS)) {
    const raw = pick(flag);
    if (raw === undefined) continue;
    if (kind === "bool") out[key] = toBool(raw, true);
    else if (kind === "duration") {
      const ms = parseDurationMs(raw);
      if (ms === null) throw new ConfigError(`--${flag}: "${raw}" is not a duration like 30s or 1m`);
      out[key] = ms;
    } else {
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0) {
        throw new ConfigError(`--${flag}: "${raw}" is not a non-negative number`);
      }
      out[key] = n;
    }
  }
  return out as unknown as AutoscalerDefaults;
}

/** Where the command-line client finds the platform. */
export interface ClientConfig {
  admin: string;
  token?: string;
  state: string;
}

export function loadClientConfig(
  flags: { admin?: string; token?: string; state?: string },
  env: Env = Deno.env.toObject(),
): ClientConfig {
  return {
    admin: flags.admin ?? env.DENATIVE_ADMIN ??
      `http://127.0.0.1:${env.DENATIVE_ADMIN_PORT ?? SERVE_DEFAULTS.adminPort}`,
    token: flags.token ?? env.DENATIVE_TOKEN,
    state: flags.state ?? env.DENATIVE_STATE ?? SERVE_DEFAULTS.state,
  };
}
