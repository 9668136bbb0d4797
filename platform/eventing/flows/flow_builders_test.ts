import assert from "node:assert/strict";
import { parallelChildren, sequenceChildren } from "./flow_builders.ts";
import { type Parallel, parseParallel, parseSequence, type Sequence } from "./flow_resources.ts";

const ksvc = (name: string) => ({ ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name } });
const meta = { name: "f", namespace: "ns", uid: "u1" };

Deno.test("a Sequence's step i reads channel i and replies to channel i+1, the last to the reply", () => {
  const { object, errors } = parseSequence({
    apiVersion: "flows.knative.dev/v1",
    kind: "Sequence",
    metadata: meta,
    spec: { steps: [{ ...ksvc("a"), delivery: { retry: 2 } }, ksvc("b")], reply: { uri: "http://r/" } },
  });
  assert.deepEqual(errors, []);
  const { channels, subscriptions } = sequenceChildren(object as Sequence);
  assert.deepEqual(channels.map((c) => c.metadata.name), ["f-kn-sequence-0", "f-kn-sequence-1"]);
  assert.deepEqual(channels.map((c) => c.kind), ["InMemoryChannel", "InMemoryChannel"]);
  assert.equal(channels[0].metadata.ownerReferences?.[0]?.uid, "u1");
  assert.deepEqual(subscriptions[0].spec.channel.name, "f-kn-sequence-0");
  assert.deepEqual(subscriptions[0].spec.subscriber, ksvc("a"));
  assert.deepEqual(subscriptions[0].spec.delivery, { retry: 2 });
  assert.deepEqual(subscriptions[0].spec.reply, {
    ref: { apiVersion: "messaging.knative.dev/v1", kind: "InMemoryChannel", name: "f-kn-sequence-1" },
  });
  assert.deepEqual(subscriptions[1].spec.reply, { uri: "http://r/" });
});

Deno.test("a Parallel filters from its ingress channel into each branch's channel", () => {
  const { object, errors } = parseParallel({
    apiVersion: "flows.knative.dev/v1",
    kind: "Parallel",
    metadata: meta,
    spec: {
      branches: [{ filter: ksvc("even"), subscriber: ksvc("e") }, {
        subscriber: ksvc("o"),
        reply: ksvc("r1"),
      }],
      reply: ksvc("r"),
    },
  });
  assert.deepEqual(errors, []);
  const { channels, subscriptions } = parallelChildren(object as Parallel);
  assert.deepEqual(channels.map((c) => c.metadata.name), [
    "f-kn-parallel",
    "f-kn-parallel-0",
    "f-kn-parallel-1",
  ]);
  assert.deepEqual(subscriptions.map((s) => s.metadata.name), [
    "f-kn-parallel-filter-0",
    "f-kn-parallel-0",
    "f-kn-parallel-filter-1",
    "f-kn-parallel-1",
  ]);
  assert.equal(subscriptions[0].spec.channel.name, "f-kn-parallel");
  assert.deepEqual(subscriptions[0].spec.subscriber, ksvc("even"));
  assert.equal(subscriptions[2].spec.subscriber, undefined, "no filter: straight to the branch channel");
  assert.equal(subscriptions[2].spec.reply?.ref?.name, "f-kn-parallel-1");
  assert.deepEqual(subscriptions[1].spec.reply, ksvc("r"));
  assert.deepEqual(subscriptions[3].spec.reply, ksvc("r1"));
});

Deno.test("a Sequence without steps and a Parallel branch without subscriber are refused naming the field", () => {
  const seq = parseSequence({
    apiVersion: "flows.knative.dev/v1",
    kind: "Sequence",
    metadata: meta,
    spec: { steps: [] },
  });
  assert.deepEqual(seq.errors.map((e) => e.path), ["spec.steps"]);
  const step = parseSequence({
    apiVersion: "flows.knative.dev/v1",
    kind: "Sequence",
    metadata: meta,
    spec: { steps: [{ uri: "relative" }] },
  });
  assert.deepEqual(step.errors.map((e) => e.path), ["spec.steps[0].uri"]);
  const par = parseParallel({
    apiVersion: "flows.knative.dev/v1",
    kind: "Parallel",
    metadata: meta,
    spec: { branches: [{ filter: ksvc("x") }] },
  });
  assert.deepEqual(par.errors.map((e) => e.path), ["spec.branches[0].subscriber"]);
});
