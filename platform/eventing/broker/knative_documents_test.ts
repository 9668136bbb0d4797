import { deepStrictEqual as assertEquals, equal, ok as assert } from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { parseBroker } from "./broker_resource.ts";
import { parseTrigger } from "./trigger_resource.ts";
import { conformanceSuite } from "../../../test/conformance.ts";

/** Knative's own documents (outside suite, read at run time). */
const DOCUMENTS = conformanceSuite("knative-yaml");
const REFUSED = "trigger-rejected-exact-and-suffix-in-one-filter.yaml";

function documents(prefix: string): string[] {
  return DOCUMENTS.files(".yaml").filter((n) => n.startsWith(prefix));
}

/** What the admin API does before parsing: name and namespace from the URL. */
function load(file: string): Record<string, unknown> {
  const doc = parseYaml(DOCUMENTS.readText(file));
  return { ...doc, metadata: { namespace: "default", ...doc.metadata } };
}

DOCUMENTS.test("there are Knative broker and trigger documents to check", () => {
  assert(documents("broker-").length >= 3);
  assert(documents("trigger-").includes(REFUSED));
});

for (const file of documents("broker-")) {
  DOCUMENTS.test(`the Knative broker ${file} is accepted as it is`, () => {
    const doc = load(file);
    const { broker, errors } = parseBroker(doc);
    assertEquals(errors, []);
    assertEquals(broker.metadata.annotations, (doc.metadata as { annotations?: unknown }).annotations);
  });
}

for (const file of documents("trigger-")) {
  if (file === REFUSED) {
    DOCUMENTS.test(`the Knative trigger ${file} is refused naming its filter`, () => {
      const { errors } = parseTrigger(load(file));
      assertEquals(errors.map((e) => e.path), ["spec.filters[0]"]);
    });
  } else {
    DOCUMENTS.test(`the Knative trigger ${file} is accepted as it is`, () => {
      const { trigger, errors } = parseTrigger(load(file));
      assertEquals(errors, []);
      assert(trigger.spec.broker.length > 0);
    });
  }
}

const trigger = (spec: Record<string, unknown>) => ({
  apiVersion: "eventing.knative.dev/v1",
  kind: "Trigger",
  metadata: { name: "t", namespace: "default" },
  spec,
});

Deno.test("a trigger without a broker gets Knative's default broker name", () => {
  const { trigger: t, errors } = parseTrigger(trigger({ subscriber: { uri: "http://example.com/" } }));
  assertEquals(errors, []);
  equal(t.spec.broker, "default");
});

Deno.test("a trigger needs a subscriber with a ref or an absolute uri", () => {
  assertEquals(parseTrigger(trigger({ broker: "b" })).errors.map((e) => e.path), ["spec.subscriber"]);
  assertEquals(parseTrigger(trigger({ subscriber: {} })).errors.map((e) => e.path), ["spec.subscriber"]);
  assertEquals(
    parseTrigger(trigger({ subscriber: { uri: "/relative" } })).errors.map((e) => e.path),
    ["spec.subscriber.uri"],
  );
  assertEquals(
    parseTrigger(trigger({ subscriber: { ref: { kind: "Service", name: "x" } } })).errors.map((e) => e.path),
    ["spec.subscriber.ref.apiVersion"],
  );
});

Deno.test("bad delivery settings and bad CESQL are refused with their paths", () => {
  const { errors } = parseTrigger(trigger({
    subscriber: { uri: "http://example.com/" },
    filters: [{ cesql: "type = " }],
    delivery: { retry: -1, backoffDelay: "soon" },
  }));
  assertEquals(errors.map((e) => e.path).sort(), [
    "spec.delivery.backoffDelay",
    "spec.delivery.retry",
    "spec.filters[0].cesql",
  ]);
  const broker = parseBroker({
    apiVersion: "eventing.knative.dev/v1",
    kind: "Broker",
    metadata: { name: "b", namespace: "default" },
    spec: { delivery: { backoffPolicy: "random" } },
  });
  assertEquals(broker.errors.map((e) => e.path), ["spec.delivery.backoffPolicy"]);
});
