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

Deno.test("the Kubernetes API port is 6443 unless --api-port or DENATIVE_API_PORT says otherwise", () => {
  assertEquals(loadServeConfig([], {}).apiPort, 6443);
  assertEquals(loadServeConfig([], { DENATIVE_API_PORT: "7443" }).apiPort, 7443);
  assertEquals(loadServeConfig(["--api-port", "0"], { DENATIVE_API_PORT: "7443" }).apiPort, 0);
  throws(() => loadServeConfig(["--api-port", "https"], {}), /--api-port: "https" is not a port/);
});
