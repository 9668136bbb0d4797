import { deepStrictEqual, equal } from "node:assert/strict";
import { kafkaSinkStatus, topicCheck } from "./kafka_sink_status.ts";

const NOW = new Date("2024-01-01T00:00:00Z");
const ADDRESS = "http://127.0.0.1:8080/kafkasink/default/s";
const ready = (s: { conditions?: { type: string; status: string; reason?: string }[] }) =>
  s.conditions?.find((c) => c.type === "Ready");

Deno.test("a sink whose topic exists is Ready with its address", () => {
  const status = kafkaSinkStatus({
    previous: undefined,
    generation: 1,
    address: ADDRESS,
    topic: topicCheck({ kind: "present" }, "t", ["b:9092"]),
    now: NOW,
  });
  deepStrictEqual(status.address, { url: ADDRESS });
  equal(ready(status)?.status, "True");
});

Deno.test("a missing topic or an unreachable broker makes the sink not Ready, with the reason", () => {
  for (
    const [state, reason] of [[{ kind: "missing" }, "TopicNotPresent"], [
      { kind: "unreachable", error: "ECONNREFUSED" },
      "BrokerUnreachable",
    ], [{ kind: "unchecked" }, "Checking"]] as const
  ) {
    const status = kafkaSinkStatus({
      previous: undefined,
      generation: 1,
      address: ADDRESS,
      topic: topicCheck(state, "t", ["b:9092"]),
      now: NOW,
    });
    equal(ready(status)?.reason, reason);
    deepStrictEqual(status.address, { url: ADDRESS });
  }
});

Deno.test("a sink with auth is reported as not supported", () => {
  const status = kafkaSinkStatus({
    previous: undefined,
    generation: 1,
    address: ADDRESS,
    topic: topicCheck({ kind: "present" }, "t", ["b:9092"]),
    unsupportedAuth: "no auth",
    now: NOW,
  });
  equal(ready(status)?.reason, "AuthNotSupported");
});
