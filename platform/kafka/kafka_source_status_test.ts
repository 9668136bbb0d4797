import { equal } from "node:assert/strict";
import { connectionCheck, kafkaSourceStatus } from "./kafka_source_status.ts";

const BROKERS = ["127.0.0.1:9092"];
const NOW = new Date("2024-01-01T00:00:00Z");

Deno.test("a joined consumer with an answering broker is connected", () => {
  equal(connectionCheck({ consumer: "joined", probe: { ok: true } }, BROKERS).ok, true);
  equal(connectionCheck({ consumer: "joined" }, BROKERS).ok, true);
});

Deno.test("a broker that does not answer wins over the consumer's own state", () => {
  const check = connectionCheck({ consumer: "joined", probe: { ok: false, error: "ECONNREFUSED" } }, BROKERS);
  equal(check.reason, "BrokerUnreachable");
  equal(check.message, "the Kafka brokers 127.0.0.1:9092 do not answer: ECONNREFUSED");
});

Deno.test("a consumer that failed because it could not reach the brokers says so", () => {
  const check = connectionCheck(
    { consumer: "failed", consumerError: "connect ECONNREFUSED", consumerUnreachable: true },
    BROKERS,
  );
  equal(check.reason, "BrokerUnreachable");
  equal(check.message, "the Kafka brokers 127.0.0.1:9092 do not answer: connect ECONNREFUSED");
});

Deno.test("a crashed consumer and a starting one are not connected, with their reasons", () => {
  equal(connectionCheck({ consumer: "failed", consumerError: "boom" }, BROKERS).reason, "ConsumerFailed");
  equal(connectionCheck({ consumer: "starting" }, BROKERS).reason, "Connecting");
  equal(connectionCheck(undefined, BROKERS).reason, "Connecting");
});

Deno.test("TLS or SASL asked for is reported as not supported", () => {
  equal(connectionCheck(undefined, BROKERS, "spec.net asks for TLS").reason, "NetNotSupported");
});

Deno.test("Ready is true only when the sink resolves and the connection is established", () => {
  const ready = kafkaSourceStatus({
    previous: undefined,
    generation: 3,
    sink: { url: "http://sink.default.localhost:8080/" },
    connection: connectionCheck({ consumer: "joined" }, BROKERS),
    consumerGroup: "g",
    now: NOW,
  });
  equal(ready.conditions?.find((c) => c.type === "Ready")?.status, "True");
  equal(ready.sinkUri, "http://sink.default.localhost:8080/");
  equal(ready.consumerGroup, "g");
  equal(ready.observedGeneration, 3);
  const down = kafkaSourceStatus({
    previous: ready,
    generation: 3,
    sink: { url: "http://sink.default.localhost:8080/" },
    connection: connectionCheck({ consumer: "joined", probe: { ok: false, error: "down" } }, BROKERS),
    consumerGroup: "g",
    now: NOW,
  });
  const readyCondition = down.conditions?.find((c) => c.type === "Ready");
  equal(readyCondition?.status, "False");
  equal(readyCondition?.reason, "BrokerUnreachable");
  const noSink = kafkaSourceStatus({
    previous: undefined,
    generation: 1,
    sink: { error: 'Service "x" in namespace "default" does not exist' },
    connection: connectionCheck({ consumer: "joined" }, BROKERS),
    consumerGroup: "g",
    now: NOW,
  });
  equal(noSink.conditions?.find((c) => c.type === "Ready")?.reason, "NotFound");
});
