import assert from "node:assert/strict";
import {
  clusterReferenceOf,
  validateParallelismAnnotation,
  validateRabbitmqBroker,
} from "./rabbitmq_broker_spec.ts";

const broker = (config?: Record<string, unknown>) => ({
  apiVersion: "eventing.knative.dev/v1",
  kind: "Broker",
  metadata: {
    name: "b",
    namespace: "ns",
    annotations: { "eventing.knative.dev/broker.class": "RabbitMQBroker" },
  },
  spec: config ? { config } : {},
});

Deno.test("a RabbitMQBroker needs a config naming a RabbitmqBrokerConfig or a RabbitmqCluster; its namespace defaults", () => {
  const ok = broker({ apiVersion: "eventing.knative.dev/v1alpha1", kind: "RabbitmqBrokerConfig", name: "c" });
  assert.deepEqual(validateRabbitmqBroker(ok), []);
  assert.equal(ok.spec.config?.namespace, "ns");
  assert.deepEqual(validateRabbitmqBroker(broker()).map((e) => e.path), ["spec.config"]);
  assert.deepEqual(
    validateRabbitmqBroker(broker({ apiVersion: "v1", kind: "ConfigMap", name: "x" })).map((e) => e.path),
    ["spec.config"],
  );
  assert.deepEqual(validateRabbitmqBroker(broker({ kind: "RabbitmqCluster" })).map((e) => e.path), [
    "spec.config.name",
    "spec.config.apiVersion",
  ]);
});

Deno.test("a broker's config leads to a cluster reference: directly, or through its RabbitmqBrokerConfig", () => {
  const direct = broker({
    apiVersion: "rabbitmq.com/v1beta1",
    kind: "RabbitmqCluster",
    name: "r",
    namespace: "infra",
  });
  assert.deepEqual(clusterReferenceOf(direct, () => undefined), { name: "r", namespace: "infra" });
  const viaConfig = broker({
    apiVersion: "eventing.knative.dev/v1alpha1",
    kind: "RabbitmqBrokerConfig",
    name: "c",
  });
  const config = {
    apiVersion: "eventing.knative.dev/v1alpha1",
    kind: "RabbitmqBrokerConfig",
    metadata: { name: "c", namespace: "ns" },
    spec: { rabbitmqClusterReference: { connectionSecret: { name: "s" } } },
  };
  assert.deepEqual(clusterReferenceOf(viaConfig, () => config), { connectionSecret: { name: "s" } });
  assert.ok("error" in clusterReferenceOf(viaConfig, () => undefined));
});

Deno.test("a trigger's parallelism annotation is a whole number in 1..1000", () => {
  const t = (v: string) => ({
    metadata: { name: "t", namespace: "ns", annotations: { "rabbitmq.eventing.knative.dev/parallelism": v } },
  });
  assert.deepEqual(validateParallelismAnnotation(t("10")), []);
  assert.equal(validateParallelismAnnotation(t("0")).length, 1);
  assert.equal(validateParallelismAnnotation(t("1001")).length, 1);
  assert.equal(validateParallelismAnnotation(t("x")).length, 1);
});
