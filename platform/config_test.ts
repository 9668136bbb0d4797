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

Deno.test("pool hosts are shared per namespace unless --host-sharing or DENATIVE_HOST_SHARING says otherwise", () => {
  assertEquals(loadServeConfig([], {}).hostSharing, "namespace");
  assertEquals(loadServeConfig([], { DENATIVE_HOST_SHARING: "all" }).hostSharing, "all");
  assertEquals(
    loadServeConfig(["--host-sharing", "revision"], { DENATIVE_HOST_SHARING: "all" }).hostSharing,
    "revision",
  );
  throws(() => loadServeConfig(["--host-sharing", "pod"], {}), ConfigError);
});
