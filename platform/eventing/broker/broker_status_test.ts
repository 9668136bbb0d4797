import { deepStrictEqual as assertEquals, equal, ok as assert } from "node:assert/strict";
import { getCondition } from "../../resources/meta.ts";
import type { Broker } from "./broker_resource.ts";
import { brokerStatus } from "./broker_status.ts";
import type { Trigger } from "./trigger_resource.ts";
import { triggerStatus } from "./trigger_status.ts";

const NOW = new Date("2024-01-01T00:00:00Z");
const ADDRESS = "http://127.0.0.1:8080/broker/default/default";

const broker = (annotations?: Record<string, string>): Broker => ({
  apiVersion: "eventing.knative.dev/v1",
  kind: "Broker",
  metadata: { name: "default", namespace: "default", generation: 2, annotations },
});

const trigger: Trigger = {
  apiVersion: "eventing.knative.dev/v1",
  kind: "Trigger",
  metadata: { name: "t", namespace: "default", generation: 1 },
  spec: { broker: "default", subscriber: { uri: "http://example.com/" } },
};

Deno.test("a default-class broker is addressable and ready at its ingress address", () => {
  const status = brokerStatus(broker(), { address: ADDRESS }, NOW);
  assertEquals(status.address, { url: ADDRESS });
  equal(status.observedGeneration, 2);
  equal(getCondition({ status }, "Ready")?.status, "True");
  equal(getCondition({ status }, "Addressable")?.status, "True");
  equal(getCondition({ status }, "DeadLetterSinkResolved")?.reason, "DeadLetterSinkNotConfigured");
});

Deno.test("a broker whose dead-letter sink does not resolve is not ready and says why", () => {
  const status = brokerStatus(
    broker(),
    { address: ADDRESS, deadLetter: { error: "Service x missing" } },
    NOW,
  );
  const ready = getCondition({ status }, "Ready");
  equal(ready?.status, "False");
  equal(ready?.reason, "UnableToResolveDeadLetterSink");
  equal(ready?.message, "Service x missing");
  const ok = brokerStatus(broker(), { address: ADDRESS, deadLetter: { url: "http://dls/" } }, NOW);
  equal(ok.deadLetterSinkUri, "http://dls/");
});

Deno.test("a broker of a class no node part serves is stored but not ready, without an address", () => {
  const status = brokerStatus(
    broker({ "eventing.knative.dev/broker.class": "RabbitMQBroker" }),
    { address: ADDRESS },
    NOW,
  );
  equal(status.address, undefined);
  const ready = getCondition({ status }, "Ready");
  equal(ready?.status, "False");
  equal(ready?.reason, "BrokerClassNotSupported");
  assert(ready?.message?.includes('"RabbitMQBroker"'));
});

Deno.test("a trigger whose broker does not exist is not ready with reason BrokerDoesNotExist", () => {
  const status = triggerStatus(trigger, { subscriber: { url: "http://example.com/" } }, NOW);
  equal(getCondition({ status }, "Ready")?.reason, "BrokerDoesNotExist");
  equal(getCondition({ status }, "SubscriberResolved")?.status, "True");
  equal(status.subscriberUri, "http://example.com/");
});

Deno.test("a trigger with a ready broker and a resolved subscriber is ready", () => {
  const b = broker();
  b.status = brokerStatus(b, { address: ADDRESS }, NOW);
  const status = triggerStatus(trigger, { broker: b, subscriber: { url: "http://sub/" } }, NOW);
  equal(getCondition({ status }, "Ready")?.status, "True");
  equal(getCondition({ status }, "BrokerReady")?.status, "True");
});

Deno.test("a trigger whose subscriber does not resolve is not ready and names the subscriber", () => {
  const b = broker();
  b.status = brokerStatus(b, { address: ADDRESS }, NOW);
  const status = triggerStatus(
    trigger,
    { broker: b, subscriber: { error: 'Service "s" does not exist' } },
    NOW,
  );
  const ready = getCondition({ status }, "Ready");
  equal(ready?.reason, "UnableToResolveSubscriber");
  assert(ready?.message?.includes('"s"'));
  equal(status.subscriberUri, undefined);
});

Deno.test("a trigger on a broker of an unserved class is not ready because its broker is not", () => {
  const b = broker({ "eventing.knative.dev/broker.class": "RabbitMQBroker" });
  b.status = brokerStatus(b, { address: ADDRESS }, NOW);
  const status = triggerStatus(trigger, { broker: b, subscriber: { url: "http://sub/" } }, NOW);
  const ready = getCondition({ status }, "Ready");
  equal(ready?.reason, "BrokerNotReady");
  assert(ready?.message?.includes("BrokerClassNotSupported"));
});

Deno.test("a condition keeps its transition time while its status stays", () => {
  const first = triggerStatus(trigger, { subscriber: { url: "http://a/" } }, NOW);
  const later = triggerStatus(
    { ...trigger, status: first },
    { subscriber: { url: "http://a/" } },
    new Date("2024-01-02T00:00:00Z"),
  );
  assertEquals(getCondition({ status: later }, "Ready")?.lastTransitionTime, NOW.toISOString());
});
