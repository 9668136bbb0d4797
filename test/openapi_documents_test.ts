/**
 * kubectl validates strictly by default (`--validate=strict`): every Knative document Denative
 * accepts (the knative-yaml and knative-yaml-extensions suites, read at run time) must have no
 * field the served OpenAPI calls unknown, while a misspelt field of an eventing kind is caught.
 */
import assert from "node:assert/strict";
import YAML from "yaml";
import { conformanceSuite } from "./conformance.ts";
import { KindRegistry } from "../platform/resources/kinds.ts";
import { servingKinds } from "../platform/resources/serving_registry.ts";
import { configMapKind, namespaceKind } from "../platform/resources/core_kinds.ts";
import { EXTENSION_KINDS } from "../platform/extension_kinds.ts";
import { kafkaKinds } from "../platform/kafka/kafka_kinds.ts";
import { OpenApi } from "../platform/api/k8s/openapi.ts";

const kinds = new KindRegistry();
kinds.register(...servingKinds(), namespaceKind(), configMapKind(), ...EXTENSION_KINDS(), ...kafkaKinds());
const openapi = new OpenApi(kinds);

/** Documents Knative refuses (the documents tests check those refusals). */
const REFUSED = /-rejected-|service-container-concurrency-no-containers/;

for (const name of ["knative-yaml", "knative-yaml-extensions"]) {
  const suite = conformanceSuite(name);
  suite.test(`openapi: no document of ${name} has a field strict validation would refuse`, () => {
    let checked = 0;
    for (const file of suite.files(".yaml").filter((f) => !REFUSED.test(f))) {
      const doc = YAML.parse(suite.readText(file));
      const kind = kinds.byKind(doc.apiVersion, doc.kind);
      assert.ok(kind, `${file}: ${doc.apiVersion} ${doc.kind} is served`);
      assert.deepEqual(openapi.unknownFields(kind, doc), [], file);
      if (kind.schema) checked++;
    }
    assert.ok(checked >= 20, `${checked} documents checked against a schema`);
  });
}

Deno.test("openapi: unknown fields of eventing documents are found where Knative's schema is closed", () => {
  const trigger = kinds.byKind("eventing.knative.dev/v1", "Trigger")!;
  assert.deepEqual(
    openapi.unknownFields(trigger, {
      apiVersion: "eventing.knative.dev/v1",
      kind: "Trigger",
      spec: {
        broker: "default",
        filtre: {},
        filter: { attributes: { type: "x" }, atributes: {} },
        subscriber: { uri: "http://example.com" },
        delivery: { retry: 1, retries: 2 },
      },
    }).sort(),
    ["spec.delivery.retries", "spec.filter.atributes", "spec.filtre"],
  );
  const ping = kinds.byKind("sources.knative.dev/v1", "PingSource")!;
  assert.deepEqual(
    openapi.unknownFields(ping, {
      spec: { schedul: "* * * * *", sink: { uri: "http://example.com" } },
    }),
    ["spec.schedul"],
  );
});

Deno.test("schemas agree with Knative's CRDs where they disagreed: GitHub event types, KafkaSource delivery, dead-letter sinks", () => {
  const github = kinds.byKind("sources.knative.dev/v1alpha1", "GitHubSource")!;
  const { errors } = github.parse!({
    apiVersion: "sources.knative.dev/v1alpha1",
    kind: "GitHubSource",
    metadata: { name: "gh", namespace: "default" },
    spec: {
      ownerAndRepository: "knative/docs",
      eventTypes: ["push", "check_run"],
      secretToken: { secretKeyRef: { name: "s", key: "k" } },
      sink: { uri: "http://example.com/" },
    },
  });
  assert.deepEqual(errors.map((e) => e.path), ["spec.eventTypes[1]"]);
  const kafka = kinds.byKind("sources.knative.dev/v1", "KafkaSource")!;
  assert.deepEqual(
    openapi.unknownFields(kafka, { spec: { delivery: { retry: 1, format: "json" } } }),
    ["spec.delivery.format"],
  );
  const trigger = kinds.byKind("eventing.knative.dev/v1", "Trigger")!;
  const withTls = {
    apiVersion: "eventing.knative.dev/v1",
    kind: "Trigger",
    metadata: { name: "t", namespace: "default" },
    spec: {
      subscriber: { uri: "http://example.com/" },
      delivery: { deadLetterSink: { uri: "https://dead.example.com/", CACerts: "PEM", audience: "dls" } },
    },
  };
  assert.deepEqual(trigger.parse!(structuredClone(withTls)).errors, []);
  assert.deepEqual(openapi.unknownFields(trigger, withTls), []);
});
