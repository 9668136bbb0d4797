/**
 * Every default, once, and the only place that reads flags and `DENATIVE_*` environment variables.
 *
 * Each flag `--some-flag` also has the variable `DENATIVE_SOME_FLAG`; a flag wins over its variable.
 */
import { parseArgs } from "node:util";
import { type AutoscalerDefaults, DEFAULT_AUTOSCALER_DEFAULTS } from "./autoscaler/autoscaling_spec.ts";
import { parseDurationMs } from "./autoscaler/duration.ts";
import { cpuLimitProblem, memoryLimitProblem } from "./resources/quantity.ts";
import { parseByteSize } from "./limits/byte_size.ts";

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
  /**
   * Instances one shared pool host holds before its group gets another host. Each is ~10 MiB, so a
   * full host stays well under maxHostRssMb.
   */
  instancesPerHost: 48,
  /** Client messages a WebSocket holds while its function has not taken the previous ones, bytes. */
  webSocketBacklogBytes: 16 * 1024 * 1024,
  /** Bytes buffered toward a slow WebSocket client past which its function is made to wait. */
  webSocketClientBufferBytes: 1024 * 1024,
  /** After a rollout (or on shutdown), how long old sockets stay open before they are closed with 1001, ms. */
  webSocketCloseGraceMs: 10_000,
};

/** Limits on what clients send to the data, admin and API ports (see platform/limits/). */
export const REQUEST_LIMITS = {
  /** A longer request URL (path and query) is refused with 414. */
  maxUrlBytes: 8 * 1024,
  /** Header fields larger than this together are refused with 431. */
  maxHeaderBytes: 32 * 1024,
  /** Requests in flight on the data port at most; beyond, 503 with Retry-After. */
  maxConcurrentRequests: 10_000,
  /** Wrong admin tokens a client may send per window before it gets 429 (even with the right one). */
  maxFailedLogins: 20,
  failedLoginWindowMs: 60_000,
} as const;

/**
 * Slow and greedy clients, on the admin port always and on the data port with `--guard-data-port`
 * (platform/http/guarded_server.ts). Each port counts its own connections.
 */
export const CONNECTION_LIMIT_DEFAULTS = {
  /** `--header-timeout`: a client that has not sent a whole request head by then gets 408 and is cut, ms. */
  headerTimeoutMs: 20_000,
  /** `--idle-timeout`: a keep-alive connection without a new request this long is closed, ms. */
  idleTimeoutMs: 60_000,
  /** `--max-connections`: open connections per port; beyond, new ones are closed on accept. */
  maxConnections: 10_000,
} as const;

/** The Kubernetes-compatible API's watch limits. */
export const KUBE_API_DEFAULTS = {
  /** Changes kept in memory for watches that resume from a resourceVersion; older ones get 410 Expired. */
  watchHistory: 10_000,
  /** How often a watch that asked for bookmarks gets one, ms. */
  bookmarkIntervalMs: 30_000,
  /** The longest a watch stays open (Kubernetes: 30 to 60 minutes), s. */
  maxWatchSeconds: 1800,
  /** Events waiting for a slow watch reader before its watch is ended (it lists and watches again). */
  watchQueueLimit: 10_000,
} as const;
/**
 * Which revisions' instances share a pool host process: those of one `namespace` (default), each
 * `revision` alone (a process per revision), or `all`. A revision blamed for killing its host runs
 * alone from then on whatever this says.
 */
export type HostSharing = "namespace" | "revision" | "all";
/**
 * How functions' network reach is sealed (`--net-sandbox`): `permissions` (Deno's `--deny-net` list),
 * or `strict`: each pool host also in a network namespace of its own (platform/supervisor/net_sandbox.ts).
 */
export type NetSandbox = "permissions" | "strict";
export const NET_SANDBOX_MODES: readonly NetSandbox[] = ["permissions", "strict"];
export const HOST_SHARING_MODES: readonly HostSharing[] = ["namespace", "revision", "all"];

/** Knative's revision defaults. */
export const REVISION_DEFAULTS = {
  timeoutSeconds: 300,
  maxTimeoutSeconds: 600,
  /** 0 = unlimited. */
  containerConcurrency: 0,
} as const;

/** Every controller's work queue (platform/reconciler/): a failed reconcile is retried after a backoff. */
export const RECONCILE_DEFAULTS = {
  /** Wait after the first failure in a row, ms; doubles with each further failure. */
  retryBaseMs: 200,
  /** Longest wait between retries, ms. */
  retryMaxMs: 10_000,
} as const;

/** Bounds of each revision's log store (what its functions printed and its access lines). */
export const FUNCTION_LOG_DEFAULTS = {
  /** `--revision-log-max-bytes`: per revision; the oldest lines go first (access lines apart: see LogStore). */
  maxBytes: 1024 * 1024,
  /** `--revision-log-max-age`: lines older than this are forgotten, ms. */
  maxAgeMs: 60 * 60 * 1000,
};
export type FunctionLogLimits = typeof FUNCTION_LOG_DEFAULTS;

/** The dashboard's charts: one point every `sampleIntervalMs`, the last `windowMs` kept. */
export const DASHBOARD_DEFAULTS = {
  sampleIntervalMs: 2000,
  windowMs: 15 * 60 * 1000,
} as const;

/** Knative's config-tracing, as flags. */
export const TRACING_BACKENDS = ["none", "zipkin"] as const;
export type TracingBackend = typeof TRACING_BACKENDS[number];
export interface TracingConfig {
  /** `--tracing-backend`: where spans go; `none` makes none at all. */
  backend: TracingBackend;
  /** `--zipkin-endpoint`: Zipkin's v2 span API. */
  zipkinEndpoint: string;
  /** `--tracing-sample-rate`: the share of new traces recorded (a caller's sampled flag wins), 0..1. */
  sampleRate: number;
  /** Spans kept waiting for export at most; more are dropped (and counted) rather than slow requests. */
  maxQueuedSpans: number;
  /** How often queued spans are sent, ms. */
  exportIntervalMs: number;
}
export const TRACING_DEFAULTS: TracingConfig = {
  backend: "none",
  zipkinEndpoint: "http://127.0.0.1:9411/api/v2/spans",
  // Knative's config-tracing default.
  sampleRate: 0.1,
  maxQueuedSpans: 2048,
  exportIntervalMs: 1000,
};

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
  /** Which revisions share a pool host process (`--host-sharing`). */
  hostSharing: HostSharing;
  /**
   * The NATS servers (`nats://host:port`, comma-separated) of NatsJetStreamChannels without a
   * `config-nats` ConfigMap and of NatsJetStreamSources without `spec.servers`.
   */
  natsServers: string;
  /** `--websocket-close-grace`: a replaced revision's WebSockets are closed (1001) this long after, ms. */
  webSocketCloseGraceMs: number;
  /**
   * `resources.limits` of revisions that declare none (Knative's config-defaults `revision-memory-limit`,
   * `revision-cpu-limit`): `--revision-memory-limit 256Mi`, `--revision-cpu-limit 1`. Unset: no limit.
   */
  revisionLimitDefaults: { memory?: string; cpu?: string };
  /** Bounds of each revision's log store. */
  functionLogs: FunctionLogLimits;
  tracing: TracingConfig;
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
  /**
   * The largest request body a revision takes, bytes (`--max-request-body 100Mi`); a Service changes
   * it with the `denative.dev/max-request-body` annotation on its template. Larger bodies get 413.
   */
  maxRequestBodyBytes: number;
  /**
   * More hosts (`host` or `host:port`, comma-separated) functions may not reach (`--deny-net`), added to
   * the platform's own ports and the local service ports (platform/supervisor/network_policy.ts).
   */
  denyNet: string[];
  /**
   * Entries taken off that list for every function (`--allow-net 127.0.0.1:9092`), e.g. for functions
   * that use the local Kafka themselves (the danmaku showcase). Exact entries only.
   */
  allowNet: string[];
  /** Header and idle timeouts and the connection cap of each port (CONNECTION_LIMIT_DEFAULTS). */
  connectionLimits: { headerTimeoutMs: number; idleTimeoutMs: number; maxConnections: number };
  /**
   * `--guard-data-port`: the data port gets the same protection as the admin port, at a throughput cost
   * (README, "Security model"); without it the data port is `Deno.serve`, which has none.
   */
  guardDataPort: boolean;
  /** `--net-sandbox`: see NetSandbox. */
  netSandbox: NetSandbox;
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
  /**
   * A broker delivery claimed by a node stays its own this long unless renewed (every
   * `heartbeatIntervalMs`, like the heartbeat), so a dead node's deliveries move within about 10 s, ms.
   */
  brokerClaimMs: 8_000,
  /** Every node looks for claimable broker deliveries this often even without a NOTIFY, ms. */
  brokerPollMs: 1_000,
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
  hostSharing: "namespace",
  natsServers: "nats://127.0.0.1:4222",
  webSocketCloseGraceMs: INSTANCE_DEFAULTS.webSocketCloseGraceMs,
  revisionLimitDefaults: {},
  functionLogs: FUNCTION_LOG_DEFAULTS,
  tracing: TRACING_DEFAULTS,
  maxRequestBodyBytes: 100 * 1024 * 1024,
  denyNet: [],
  allowNet: [],
  connectionLimits: CONNECTION_LIMIT_DEFAULTS,
  guardDataPort: false,
  netSandbox: "permissions",
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
      "host-sharing": { type: "string" },
      "nats-servers": { type: "string" },
      "websocket-close-grace": { type: "string" },
      "revision-memory-limit": { type: "string" },
      "revision-cpu-limit": { type: "string" },
      "revision-log-max-bytes": { type: "string" },
      "revision-log-max-age": { type: "string" },
      "tracing-backend": { type: "string" },
      "zipkin-endpoint": { type: "string" },
      "tracing-sample-rate": { type: "string" },
      database: { type: "string" },
      "node-name": { type: "string" },
      "public-port": { type: "string" },
      "max-request-body": { type: "string" },
      "deny-net": { type: "string" },
      "allow-net": { type: "string" },
      "header-timeout": { type: "string" },
      "idle-timeout": { type: "string" },
      "max-connections": { type: "string" },
      "guard-data-port": { type: "boolean" },
      "net-sandbox": { type: "string" },
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
    hostSharing: toHostSharing(pick("host-sharing"), d.hostSharing),
    natsServers: pick("nats-servers") ?? d.natsServers,
    revisionLimitDefaults: {
      memory: toLimit("revision-memory-limit", pick("revision-memory-limit"), memoryLimitProblem),
      cpu: toLimit("revision-cpu-limit", pick("revision-cpu-limit"), cpuLimitProblem),
    },
    webSocketCloseGraceMs: toDuration(
      "websocket-close-grace",
      pick("websocket-close-grace"),
      d.webSocketCloseGraceMs,
    ),
    functionLogs: {
      maxBytes: toPositive("revision-log-max-bytes", pick("revision-log-max-bytes"), d.functionLogs.maxBytes),
      maxAgeMs: toDuration("revision-log-max-age", pick("revision-log-max-age"), d.functionLogs.maxAgeMs),
    },
    tracing: tracingConfig(pick, d.tracing),
    database: toDatabaseUrl(pick("database")),
    nodeName: pick("node-name") || undefined,
    publicPort: pick("public-port") ? toPort("public-port", pick("public-port"), 0) : undefined,
    maxRequestBodyBytes: toByteSize("max-request-body", pick("max-request-body"), d.maxRequestBodyBytes),
    denyNet: toHostList("deny-net", pick("deny-net"), d.denyNet),
    allowNet: toHostList("allow-net", pick("allow-net"), d.allowNet),
    connectionLimits: {
      headerTimeoutMs: toPositiveDuration(
        "header-timeout",
        pick("header-timeout"),
        d.connectionLimits.headerTimeoutMs,
      ),
      idleTimeoutMs: toPositiveDuration(
        "idle-timeout",
        pick("idle-timeout"),
        d.connectionLimits.idleTimeoutMs,
      ),
      maxConnections: toPositive(
        "max-connections",
        pick("max-connections"),
        d.connectionLimits.maxConnections,
      ),
    },
    guardDataPort: (values["guard-data-port"] as boolean | undefined) ??
      toBool(envOf("guard-data-port", env), d.guardDataPort),
    netSandbox: toNetSandbox(pick("net-sandbox"), d.netSandbox),
  };
}

function toLimit(
  flag: string,
  value: string | undefined,
  problem: (q: string) => string | null,
): string | undefined {
  if (value === undefined || value === "") return undefined;
  const why = problem(value);
  if (why) throw new ConfigError(`--${flag}: ${why}`);
  return value;
}

function tracingConfig(pick: (flag: string) => string | undefined, d: TracingConfig): TracingConfig {
  const backend = pick("tracing-backend") ?? d.backend;
  if (!(TRACING_BACKENDS as readonly string[]).includes(backend)) {
    throw new ConfigError(`--tracing-backend: "${backend}" is not one of ${TRACING_BACKENDS.join(", ")}`);
  }
  const endpoint = pick("zipkin-endpoint") ?? d.zipkinEndpoint;
  if (!URL.canParse(endpoint) || !/^https?:$/.test(new URL(endpoint).protocol)) {
    throw new ConfigError(`--zipkin-endpoint: "${endpoint}" is not an http(s) URL`);
  }
  const rateText = pick("tracing-sample-rate");
  const rate = rateText === undefined ? d.sampleRate : Number(rateText);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new ConfigError(`--tracing-sample-rate: "${rateText}" is not a number from 0 to 1`);
  }
  return { ...d, backend: backend as TracingBackend, zipkinEndpoint: endpoint, sampleRate: rate };
}

function toPositive(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new ConfigError(`--${flag}: "${value}" is not a positive integer`);
  }
  return n;
}

function toDuration(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = parseDurationMs(value);
  if (ms === null || ms < 0) throw new ConfigError(`--${flag}: "${value}" is not a duration like 30s or 1m`);
  return ms;
}

/** Node treats a zero timeout as none, so these must be positive. */
function toPositiveDuration(flag: string, value: string | undefined, fallback: number): number {
  const ms = toDuration(flag, value, fallback);
  if (ms <= 0) throw new ConfigError(`--${flag}: "${value}" must be longer than 0`);
  return ms;
}

function toHostList(flag: string, value: string | undefined, fallback: string[]): string[] {
  if (value === undefined) return fallback;
  const hosts = value.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = hosts.find((h) => !/^(\[[0-9a-fA-F:.]+\]|[^\s,:/\[\]]+)(:\d{1,5})?$/.test(h));
  if (bad !== undefined) throw new ConfigError(`--${flag}: "${bad}" is not a host or host:port`);
  return hosts;
}

function toByteSize(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const bytes = parseByteSize(value);
  if (bytes === undefined) throw new ConfigError(`--${flag}: "${value}" is not a byte size like 10Mi`);
  return bytes;
}

function toHostSharing(value: string | undefined, fallback: HostSharing): HostSharing {
  if (value === undefined) return fallback;
  if (!HOST_SHARING_MODES.includes(value as HostSharing)) {
    throw new ConfigError(`--host-sharing: "${value}" is not one of ${HOST_SHARING_MODES.join(", ")}`);
  }
  return value as HostSharing;
}

function toNetSandbox(value: string | undefined, fallback: NetSandbox): NetSandbox {
  if (value === undefined || value === "") return fallback;
  if (!NET_SANDBOX_MODES.includes(value as NetSandbox)) {
    throw new ConfigError(`--net-sandbox: "${value}" is not one of ${NET_SANDBOX_MODES.join(", ")}`);
  }
  return value as NetSandbox;
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
