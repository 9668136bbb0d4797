import assert from "node:assert/strict";
import { parseChannel, parseInMemoryChannel } from "./channel_resource.ts";
import { physicalChannel } from "./physical_channel.ts";
import type { Channel } from "./channel_resource.ts";

const meta = { name: "c", namespace: "default" };

Deno.test("a Channel without a template is given Knative's default, the InMemoryChannel", () => {
  const { object, errors } = parseChannel({
    apiVersion: "messaging.knative.dev/v1",
    kind: "Channel",
    metadata: meta,
  });
  assert.deepEqual(errors, []);
  assert.deepEqual(object.spec.channelTemplate, {
    apiVersion: "messaging.knative.dev/v1",
    kind: "InMemoryChannel",
  });
});

Deno.test("a Channel refuses subscribers set by hand and a template without a kind", () => {
  const { errors } = parseChannel({
    apiVersion: "messaging.knative.dev/v1",
    kind: "Channel",
    metadata: meta,
    spec: { subscribers: [], channelTemplate: { apiVersion: "messaging.knative.dev/v1" } },
  });
  assert.deepEqual(errors.map((e) => e.path).sort(), ["spec.channelTemplate.kind"]);
  const second = parseChannel({
    apiVersion: "messaging.knative.dev/v1",
    kind: "Channel",
    metadata: meta,
    spec: { subscribers: [] },
  });
  assert.deepEqual(second.errors.map((e) => e.path), ["spec.subscribers"]);
});

Deno.test("an InMemoryChannel's scope annotation is cluster or namespace, and its delivery is checked", () => {
  const { errors } = parseInMemoryChannel({
    apiVersion: "messaging.knative.dev/v1",
    kind: "InMemoryChannel",
    metadata: { ...meta, annotations: { "eventing.knative.dev/scope": "galaxy" } },
    spec: { delivery: { backoffDelay: "1s" } },
  });
  assert.deepEqual(errors.map((e) => e.path).sort(), [
    "metadata.annotations[eventing.knative.dev/scope]",
    "spec.delivery.backoffDelay",
  ]);
});

Deno.test("a reference to a Channel reaches the implementation its template names", () => {
  const channel = {
    spec: { channelTemplate: { apiVersion: "messaging.knative.dev/v1", kind: "InMemoryChannel" } },
  };
  const lookup = (kind: string) => kind === "Channel" ? channel as unknown as Channel : undefined;
  assert.deepEqual(
    physicalChannel({ apiVersion: "messaging.knative.dev/v1", kind: "Channel", name: "c" }, "ns", lookup),
    { apiVersion: "messaging.knative.dev/v1", kind: "InMemoryChannel", namespace: "ns", name: "c" },
  );
  const missing = physicalChannel(
    { apiVersion: "messaging.knative.dev/v1", kind: "Channel", name: "c" },
    "ns",
    () => undefined,
  );
  assert.ok("error" in missing);
  const kafka = physicalChannel(
    { apiVersion: "messaging.knative.dev/v1beta1", kind: "KafkaChannel", name: "k" },
    "ns",
    lookup,
  );
  assert.match((kafka as { error: string }).error, /not a channel kind Denative runs/);
});
