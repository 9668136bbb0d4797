import { deepStrictEqual as assertEquals, equal } from "node:assert/strict";
import { parseBroker } from "../eventing/broker/broker_resource.ts";
import {
  brokerTopic,
  deliveryOrderOf,
  isKafkaClass,
  kafkaBrokerSettings,
  triggerGroup,
  validateKafkaBroker,
  validateKafkaTrigger,
} from "./kafka_broker_spec.ts";
import { parseTrigger } from "../eventing/broker/trigger_resource.ts";

const DEFAULT_SERVERS = ["127.0.0.1:9092"];

function broker(annotations: Record<string, string>, name = "orders") {
  return {
    apiVersion: "eventing.knative.dev/v1",
    kind: "Broker",
    metadata: {
      name,
      namespace: "shop",
      annotations: { "eventing.knative.dev/broker.class": "Kafka", ...annotations },
    },
  };
}

function trigger(annotations?: Record<string, string>) {
  return {
    apiVersion: "eventing.knative.dev/v1",
    kind: "Trigger",
    metadata: { name: "t", namespace: "shop", annotations },
    spec: { broker: "orders", subscriber: { uri: "http://example.com/" } },
  };
}

Deno.test("the broker's topic and each trigger's consumer group are named as Knative names them", () => {
  equal(brokerTopic("shop", "orders"), "knative-broker-shop-orders");
  equal(triggerGroup("shop", "audit"), "knative-trigger-shop-audit");
});

Deno.test("the Kafka class is recognised case-sensitively, as Knative does", () => {
  equal(isKafkaClass(broker({})), true);
  equal(isKafkaClass(broker({ "eventing.knative.dev/broker.class": "kafka" })), false);
  equal(isKafkaClass({ metadata: { name: "b", namespace: "shop" } }), false);
});

Deno.test("a Kafka broker without annotations uses the node's cluster and a three-partition topic", () => {
  assertEquals(kafkaBrokerSettings(broker({}), DEFAULT_SERVERS), {
    bootstrapServers: ["127.0.0.1:9092"],
    topic: "knative-broker-shop-orders",
    create: { partitions: 3, replicationFactor: 1 },
  });
});

Deno.test("annotations choose the broker's cluster and the size of the topic it creates", () => {
  const settings = kafkaBrokerSettings(
    broker({
      "kafka.eventing.knative.dev/bootstrap.servers": "k1:9092, k2:9093",
      "kafka.eventing.knative.dev/default.topic.partitions": "12",
      "kafka.eventing.knative.dev/default.topic.replication.factor": "3",
    }),
    DEFAULT_SERVERS,
  );
  assertEquals(settings.bootstrapServers, ["k1:9092", "k2:9093"]);
  assertEquals(settings.create, { partitions: 12, replicationFactor: 3 });
});

Deno.test("an external topic is used as it is and never created", () => {
  const settings = kafkaBrokerSettings(
    broker({ "kafka.eventing.knative.dev/external.topic": "orders.v1" }),
    DEFAULT_SERVERS,
  );
  equal(settings.topic, "orders.v1");
  equal(settings.create, undefined);
});

Deno.test("a Kafka broker with malformed annotations is refused naming each annotation", () => {
  const { errors } = parseBroker(
    broker({
      "kafka.eventing.knative.dev/bootstrap.servers": "k1:9092,nohost",
      "kafka.eventing.knative.dev/default.topic.partitions": "0",
      "kafka.eventing.knative.dev/default.topic.replication.factor": "two",
      "kafka.eventing.knative.dev/external.topic": "bad topic",
    }),
    [validateKafkaBroker],
  );
  assertEquals(errors.map((e) => e.path), [
    "metadata.annotations[kafka.eventing.knative.dev/bootstrap.servers]",
    "metadata.annotations[kafka.eventing.knative.dev/default.topic.partitions]",
    "metadata.annotations[kafka.eventing.knative.dev/default.topic.replication.factor]",
    "metadata.annotations[kafka.eventing.knative.dev/external.topic]",
  ]);
  equal(errors[0].message.includes('"nohost"'), true);
});

Deno.test("Kafka annotations on a broker of another class are not checked", () => {
  const doc = broker({
    "eventing.knative.dev/broker.class": "MTChannelBasedBroker",
    "kafka.eventing.knative.dev/default.topic.partitions": "many",
  });
  assertEquals(parseBroker(doc, [validateKafkaBroker]).errors, []);
});

Deno.test("a trigger delivers unordered unless its delivery.order annotation says ordered", () => {
  const order = (value?: string) =>
    deliveryOrderOf(
      trigger(value === undefined ? undefined : { "kafka.eventing.knative.dev/delivery.order": value }),
    );
  equal(order(), "unordered");
  equal(order("unordered"), "unordered");
  equal(order("ordered"), "ordered");
});

Deno.test("a trigger whose delivery.order is neither ordered nor unordered is refused", () => {
  const { errors } = parseTrigger(
    trigger({ "kafka.eventing.knative.dev/delivery.order": "sorted" }),
    [validateKafkaTrigger],
  );
  assertEquals(errors.map((e) => e.path), [
    "metadata.annotations[kafka.eventing.knative.dev/delivery.order]",
  ]);
  assertEquals(validateKafkaTrigger(trigger({ "kafka.eventing.knative.dev/delivery.order": "ordered" })), []);
});
