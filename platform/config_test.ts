import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import assert from "node:assert/strict";
import { ConfigError, loadServeConfig } from "./config.ts";

Deno.test("Kafka-class brokers use 127.0.0.1:9092 unless the node is told otherwise", () => {
  assertEquals(loadServeConfig([], {}).kafkaBootstrapServers, ["127.0.0.1:9092"]);
});

Deno.test("the Kafka bootstrap servers come from the flag, else from DENATIVE_KAFKA_BOOTSTRAP_SERVERS", () => {
  const env = { DENATIVE_KAFKA_BOOTSTRAP_SERVERS: "k1:9092, k2:9093" };
  assertEquals(loadServeConfig([], env).kafkaBootstrapServers, ["k1:9092", "k2:9093"]);
  assertEquals(
    loadServeConfig(["--kafka-bootstrap-servers", "flag:1"], env).kafkaBootstrapServers,
    ["flag:1"],
  );
});

Deno.test("Kafka bootstrap servers that are not host:port are refused", () => {
  throws(() => loadServeConfig(["--kafka-bootstrap-servers", "k1:9092,nohost"], {}), ConfigError);
  throws(() => loadServeConfig([], { DENATIVE_KAFKA_BOOTSTRAP_SERVERS: " , " }), ConfigError);
});

Deno.test("the log format is text by default, json on request, anything else refused", () => {
  assertEquals(loadServeConfig([], {}).logFormat, "text");
  assertEquals(loadServeConfig(["--log-format", "json"], {}).logFormat, "json");
  assertEquals(loadServeConfig([], { DENATIVE_LOG_FORMAT: "json" }).logFormat, "json");
  throws(() => loadServeConfig(["--log-format", "xml"], {}), ConfigError);
});

Deno.test("--quiet and DENATIVE_QUIET turn quiet on", () => {
  assertEquals(loadServeConfig([], {}).quiet, false);
  assertEquals(loadServeConfig(["--quiet"], {}).quiet, true);
  assertEquals(loadServeConfig([], { DENATIVE_QUIET: "1" }).quiet, true);
});

Deno.test("pool hosts are shared per namespace unless --host-sharing or DENATIVE_HOST_SHARING says otherwise", () => {
  assertEquals(loadServeConfig([], {}).hostSharing, "namespace");
  assertEquals(loadServeConfig([], { DENATIVE_HOST_SHARING: "all" }).hostSharing, "all");
  assertEquals(
    loadServeConfig(["--host-sharing", "revision"], { DENATIVE_HOST_SHARING: "all" }).hostSharing,
    "revision",
  );
  throws(() => loadServeConfig(["--host-sharing", "pod"], {}), ConfigError);
});

Deno.test("the Kubernetes API port is 6443 unless --api-port or DENATIVE_API_PORT says otherwise", () => {
  assertEquals(loadServeConfig([], {}).apiPort, 6443);
  assertEquals(loadServeConfig([], { DENATIVE_API_PORT: "7443" }).apiPort, 7443);
  assertEquals(loadServeConfig(["--api-port", "0"], { DENATIVE_API_PORT: "7443" }).apiPort, 0);
  throws(() => loadServeConfig(["--api-port", "https"], {}), /--api-port: "https" is not a port/);
});

Deno.test("tracing flags follow Knative's config-tracing and refuse bad values by name", () => {
  const c = loadServeConfig(
    [
      "--tracing-backend",
      "zipkin",
      "--zipkin-endpoint",
      "http://127.0.0.1:9999/api/v2/spans",
      "--tracing-sample-rate",
      "0.5",
    ],
    {},
  );
  assert.equal(c.tracing.backend, "zipkin");
  assert.equal(c.tracing.zipkinEndpoint, "http://127.0.0.1:9999/api/v2/spans");
  assert.equal(c.tracing.sampleRate, 0.5);
  assert.equal(loadServeConfig([], {}).tracing.backend, "none");
  assert.throws(() => loadServeConfig(["--tracing-backend", "jaeger"], {}), /--tracing-backend/);
  assert.throws(() => loadServeConfig(["--tracing-sample-rate", "2"], {}), /--tracing-sample-rate/);
  assert.throws(() => loadServeConfig(["--zipkin-endpoint", "nope"], {}), /--zipkin-endpoint/);
});

Deno.test("revision log bounds come from flags", () => {
  const c = loadServeConfig(["--revision-log-max-bytes", "4096", "--revision-log-max-age", "10m"], {});
  assert.deepEqual(c.functionLogs, { maxBytes: 4096, maxAgeMs: 600_000 });
  assert.throws(() => loadServeConfig(["--revision-log-max-age", "soon"], {}), /--revision-log-max-age/);
});

Deno.test("--database takes a postgres:// URL (or DENATIVE_DATABASE) and refuses anything else", () => {
  assertEquals(loadServeConfig([], {}).database, undefined);
  assertEquals(
    loadServeConfig([], { DENATIVE_DATABASE: "postgres://postgres@127.0.0.1:5432/dn" }).database,
    "postgres://postgres@127.0.0.1:5432/dn",
  );
  assertEquals(loadServeConfig(["--node-name", "n1"], {}).nodeName, "n1");
  throws(() => loadServeConfig(["--database", "mysql://x"], {}), ConfigError);
});

Deno.test("--max-request-body takes a byte size and refuses anything else", () => {
  assertEquals(loadServeConfig([], {}).maxRequestBodyBytes, 100 * 1024 * 1024);
  assertEquals(loadServeConfig(["--max-request-body", "1Mi"], {}).maxRequestBodyBytes, 1024 * 1024);
  assertEquals(loadServeConfig([], { DENATIVE_MAX_REQUEST_BODY: "500" }).maxRequestBodyBytes, 500);
  throws(() => loadServeConfig(["--max-request-body", "lots"], {}), ConfigError);
});

Deno.test("--deny-net takes hosts and host:port entries and refuses anything else", () => {
  assertEquals(loadServeConfig([], {}).denyNet, []);
  assertEquals(loadServeConfig(["--deny-net", "10.0.0.5, db.internal:5433,[::1]:8000"], {}).denyNet, [
    "10.0.0.5",
    "db.internal:5433",
    "[::1]:8000",
  ]);
  throws(() => loadServeConfig(["--deny-net", "http://x/"], {}), ConfigError);
});

Deno.test("--allow-net takes host:port entries", () => {
  assertEquals(loadServeConfig(["--allow-net", "127.0.0.1:9092"], {}).allowNet, ["127.0.0.1:9092"]);
  throws(() => loadServeConfig(["--allow-net", "a b"], {}), ConfigError);
});

Deno.test("connection limits: defaults, flags and env, and positive values only", () => {
  const d = loadServeConfig([], {});
  assertEquals(d.connectionLimits, {
    headerTimeoutMs: 20_000,
    idleTimeoutMs: 60_000,
    maxConnections: 10_000,
  });
  assertEquals(d.guardDataPort, false);
  const set = loadServeConfig(
    ["--header-timeout", "5s", "--idle-timeout", "2m", "--max-connections", "100", "--guard-data-port"],
    {},
  );
  assertEquals(set.connectionLimits, { headerTimeoutMs: 5_000, idleTimeoutMs: 120_000, maxConnections: 100 });
  assertEquals(set.guardDataPort, true);
  assertEquals(loadServeConfig([], { DENATIVE_GUARD_DATA_PORT: "true" }).guardDataPort, true);
  throws(() => loadServeConfig(["--header-timeout", "0s"], {}), ConfigError);
  throws(() => loadServeConfig(["--idle-timeout", "soon"], {}), ConfigError);
  throws(() => loadServeConfig(["--max-connections", "0"], {}), ConfigError);
});

Deno.test("--net-sandbox is permissions by default, strict on request, and nothing else", () => {
  assertEquals(loadServeConfig([], {}).netSandbox, "permissions");
  assertEquals(loadServeConfig(["--net-sandbox", "strict"], {}).netSandbox, "strict");
  assertEquals(loadServeConfig([], { DENATIVE_NET_SANDBOX: "strict" }).netSandbox, "strict");
  throws(() => loadServeConfig(["--net-sandbox", "netns"], {}), ConfigError);
});
