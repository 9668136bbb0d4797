import assert from "node:assert/strict";
import {
  apiServerResource,
  apiServerSourceDocument,
  brokerDocument,
  githubSourceDocument,
  kafkaSourceDocument,
  pingSourceDocument,
  triggerDocument,
} from "./eventing_documents.ts";

const ksvc = { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "fn" } };

Deno.test("brokerDocument() sets the class annotation and a dead letter sink", () => {
  assert.deepEqual(
    brokerDocument("b", "default", { className: "MTChannelBasedBroker", deadLetterSink: "ksvc:fn" }),
    {
      apiVersion: "eventing.knative.dev/v1",
      kind: "Broker",
      metadata: {
        name: "b",
        namespace: "default",
        annotations: { "eventing.knative.dev/broker.class": "MTChannelBasedBroker" },
      },
      spec: { delivery: { deadLetterSink: ksvc } },
    },
  );
  assert.deepEqual(brokerDocument("b", "ns", {}).metadata, { name: "b", namespace: "ns" });
});

Deno.test("triggerDocument() turns --filter into filter attributes and --sink into the subscriber", () => {
  const doc = triggerDocument("t", "default", {
    broker: "b",
    filters: ["type=dev.x", "source=/s"],
    sink: "ksvc:fn",
  });
  assert.deepEqual(doc.spec, {
    broker: "b",
    filter: { attributes: { type: "dev.x", source: "/s" } },
    subscriber: ksvc,
  });
  assert.equal(
    (triggerDocument("t", "d", { filters: [], sink: "fn" }).spec as { broker: string }).broker,
    "default",
  );
  assert.throws(() => triggerDocument("t", "d", { filters: [] }), /--sink is required/);
});

Deno.test("pingSourceDocument() reads schedule, data and base64 data", () => {
  assert.deepEqual(
    pingSourceDocument("p", "d", { schedule: "* * * * *", data: '{"a":1}', sink: "broker:default" }).spec,
    {
      schedule: "* * * * *",
      data: '{"a":1}',
      sink: { ref: { apiVersion: "eventing.knative.dev/v1", kind: "Broker", name: "default" } },
    },
  );
  const b64 =
    pingSourceDocument("p", "d", { schedule: "@hourly", data: "base64:aGk=", sink: "http://x/" }).spec;
  assert.deepEqual(b64, { schedule: "@hourly", dataBase64: "aGk=", sink: { uri: "http://x/" } });
  assert.throws(() => pingSourceDocument("p", "d", { sink: "fn" }), /--schedule is required/);
});

Deno.test("kafkaSourceDocument() splits comma lists", () => {
  const doc = kafkaSourceDocument("k", "d", {
    servers: ["a:9092,b:9092"],
    topics: ["t1", "t2"],
    consumerGroup: "g",
    sink: "fn",
  });
  assert.deepEqual(doc.spec, {
    bootstrapServers: ["a:9092", "b:9092"],
    topics: ["t1", "t2"],
    consumerGroup: "g",
    sink: ksvc,
  });
  assert.equal(doc.apiVersion, "sources.knative.dev/v1");
});

Deno.test("githubSourceDocument() reads the repository, event types and secret references", () => {
  const doc = githubSourceDocument("g", "d", {
    repository: "denoland/deno",
    eventTypes: ["push,pull_request"],
    secretToken: "gh:secret",
    sink: "fn",
  });
  assert.deepEqual(doc.spec, {
    ownerAndRepository: "denoland/deno",
    eventTypes: ["push", "pull_request"],
    secretToken: { secretKeyRef: { name: "gh", key: "secret" } },
    sink: ksvc,
  });
  assert.equal(doc.apiVersion, "sources.knative.dev/v1alpha1");
  const org = githubSourceDocument("g", "d", {
    org: "denoland",
    repository: "std",
    eventTypes: ["push"],
    sink: "fn",
  });
  assert.equal((org.spec as { ownerAndRepository: string }).ownerAndRepository, "denoland/std");
  assert.throws(() => githubSourceDocument("g", "d", { eventTypes: ["push"], sink: "fn" }), /--repository/);
  assert.throws(
    () =>
      githubSourceDocument("g", "d", { org: "o", eventTypes: ["push"], secretToken: "nokey", sink: "fn" }),
    /want SECRET_NAME:KEY/,
  );
});

Deno.test("apiServerResource() reads Kind:apiVersion, apiVersion:Kind and a label selector", () => {
  assert.deepEqual(apiServerResource("Event:v1"), { apiVersion: "v1", kind: "Event" });
  assert.deepEqual(apiServerResource("serving.knative.dev/v1:Service"), {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
  });
  assert.deepEqual(apiServerResource("Service:serving.knative.dev/v1:app=x"), {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    selector: { matchLabels: { app: "x" } },
  });
  assert.throws(() => apiServerResource("Event"), /want KIND:APIVERSION/);
});

Deno.test("apiServerSourceDocument() defaults the mode to Reference and checks it", () => {
  const doc = apiServerSourceDocument("a", "d", { resources: ["Event:v1"], sink: "fn" });
  assert.equal((doc.spec as { mode: string }).mode, "Reference");
  assert.throws(
    () => apiServerSourceDocument("a", "d", { resources: ["Event:v1"], mode: "x", sink: "fn" }),
    /want Reference or Resource/,
  );
});
