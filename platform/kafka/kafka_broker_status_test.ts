import { equal, ok as assert } from "node:assert/strict";
import { getCondition } from "../resources/meta.ts";
import type { Broker } from "../eventing/broker/broker_resource.ts";
import { brokerStatus } from "../eventing/broker/broker_status.ts";
import { kafkaBrokerSettings } from "./kafka_broker_spec.ts";
import { kafkaBrokerConditions, type KafkaTopicState, subscriptionCheck } from "./kafka_broker_status.ts";
import type { Trigger } from "../eventing/broker/trigger_resource.ts";
import { triggerStatus } from "../eventing/broker/trigger_status.ts";

const NOW = new Date("2024-01-01T00:00:00Z");
const ADDRESS = "http://127.0.0.1:8080/broker/default/orders";

const kafkaBroker = (spec?: Broker["spec"]): Broker => ({
  apiVersion: "eventing.knative.dev/v1",
  kind: "Broker",
  metadata: {
    name: "orders",
    namespace: "default",
    generation: 1,
    annotations: { "eventing.knative.dev/broker.class": "Kafka" },
  },
  spec,
});

const trigger: Trigger = {
  apiVersion: "eventing.knative.dev/v1",
  kind: "Trigger",
  metadata: { name: "t", namespace: "default", generation: 1 },
  spec: { broker: "orders", subscriber: { uri: "http://example.com/" } },
};

function status(topic: KafkaTopicState, broker = kafkaBroker()) {
  const settings = kafkaBrokerSettings(broker, ["127.0.0.1:9092"]);
  return brokerStatus(
    broker,
    { address: ADDRESS, classConditions: kafkaBrokerConditions(broker, { settings, topic }) },
    NOW,
  );
}

Deno.test("a Kafka broker whose topic exists is ready at the same ingress address as the default broker", () => {
  const s = status({ kind: "present" });
  equal(s.address?.url, ADDRESS);
  equal(getCondition({ status: s }, "Ready")?.status, "True");
  equal(getCondition({ status: s }, "TopicReady")?.status, "True");
  assert(getCondition({ status: s }, "TopicReady")?.message?.includes("knative-broker-default-orders"));
  equal(getCondition({ status: s }, "IngressReady"), undefined);
});

Deno.test("a Kafka broker is not ready while Kafka does not answer, and ready again when it does", () => {
  const down = status({ kind: "unreachable", error: "Connection refused" });
  const ready = getCondition({ status: down }, "Ready");
  equal(ready?.status, "False");
  equal(ready?.reason, "BrokerUnreachable");
  assert(ready?.message?.includes("127.0.0.1:9092"));
  equal(down.address?.url, ADDRESS, "the address stays: the ingress answers 503 meanwhile");
  const broker = { ...kafkaBroker(), status: down };
  const back = status({ kind: "present" }, broker);
  equal(getCondition({ status: back }, "Ready")?.status, "True");
});

Deno.test("a Kafka broker is Unknown until its topic was checked, and says why a topic is missing", () => {
  equal(getCondition({ status: status({ kind: "unchecked" }) }, "Ready")?.status, "Unknown");
  equal(getCondition({ status: status({ kind: "missing" }) }, "Ready")?.reason, "TopicNotPresent");
  const failed = status({ kind: "failed", error: "policy violation" });
  equal(getCondition({ status: failed }, "Ready")?.reason, "TopicCreationFailed");
});

Deno.test("a Kafka broker's spec.config is accepted and reported as ignored", () => {
  const withConfig = kafkaBroker({
    config: {
      apiVersion: "v1",
      kind: "ConfigMap",
      name: "kafka-broker-config",
      namespace: "knative-eventing",
    },
  });
  const parsed = getCondition({ status: status({ kind: "present" }, withConfig) }, "ConfigParsed");
  equal(parsed?.status, "True");
  equal(parsed?.reason, "ConfigIgnored");
  assert(parsed?.message?.includes("knative-eventing/kafka-broker-config"));
});

Deno.test("a Kafka broker's topic failure is reported before its dead-letter sink's", () => {
  const broker = kafkaBroker();
  const settings = kafkaBrokerSettings(broker, ["127.0.0.1:9092"]);
  const s = brokerStatus(broker, {
    address: ADDRESS,
    deadLetter: { error: "Service dlq missing" },
    classConditions: kafkaBrokerConditions(broker, {
      settings,
      topic: { kind: "unreachable", error: "refused" },
    }),
  }, NOW);
  equal(getCondition({ status: s }, "Ready")?.reason, "BrokerUnreachable");
  equal(getCondition({ status: s }, "DeadLetterSinkResolved")?.status, "False");
});

Deno.test("a trigger of a Kafka broker is ready only once its consumer group joined", () => {
  const broker = { ...kafkaBroker(), status: status({ kind: "present" }) };
  const group = "knative-trigger-default-t";
  const facts = (state?: Parameters<typeof subscriptionCheck>[0]) => ({
    broker,
    subscriber: { url: "http://example.com/" },
    subscription: subscriptionCheck(state, group, ["127.0.0.1:9092"]),
  });
  const ready = (s: ReturnType<typeof triggerStatus>) => getCondition({ status: s }, "Ready");
  equal(ready(triggerStatus(trigger, facts(), NOW))?.reason, "ConsumerGroupNotStarted");
  equal(ready(triggerStatus(trigger, facts({ consumer: "starting" }), NOW))?.reason, "ConsumerGroupJoining");
  equal(ready(triggerStatus(trigger, facts({ consumer: "joined" }), NOW))?.status, "True");
  const down = triggerStatus(
    trigger,
    facts({ consumer: "failed", error: "refused", unreachable: true }),
    NOW,
  );
  equal(ready(down)?.reason, "BrokerUnreachable");
  const crashed = triggerStatus(trigger, facts({ consumer: "failed", error: "boom" }), NOW);
  equal(ready(crashed)?.reason, "ConsumerFailed");
  assert(ready(crashed)?.message?.includes(group));
});

Deno.test("a trigger of a default broker has no SubscriptionReady condition", () => {
  const s = triggerStatus(trigger, { subscriber: { url: "http://example.com/" } }, NOW);
  equal(getCondition({ status: s }, "SubscriptionReady"), undefined);
});
