import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
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

Deno.test("--database takes a postgres:// URL (or DENATIVE_DATABASE) and refuses anything else", () => {
  assertEquals(loadServeConfig([], {}).database, undefined);
  assertEquals(
    loadServeConfig([], { DENATIVE_DATABASE: "postgres://postgres@127.0.0.1:5432/dn" }).database,
    "postgres://postgres@127.0.0.1:5432/dn",
  );
  assertEquals(loadServeConfig(["--node-name", "n1"], {}).nodeName, "n1");
  throws(() => loadServeConfig(["--database", "mysql://x"], {}), ConfigError);
});
