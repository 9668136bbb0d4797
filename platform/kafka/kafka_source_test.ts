import { deepStrictEqual, equal } from "node:assert/strict";
import YAML from "yaml";
import {
  consumerGroupOf,
  deliveryPolicyOf,
  type KafkaSource,
  keyTypeOf,
  lagThresholdOf,
  parseKafkaSource,
  unsupportedNet,
} from "./kafka_source.ts";
import { conformanceSuite } from "../../test/conformance.ts";

const DOCUMENTS = conformanceSuite("knative-yaml");

/** A conformance document as the admin API hands it on (namespace filled in from the URL). */
function conformance(file: string): Record<string, unknown> {
  const doc = YAML.parse(DOCUMENTS.readText(file));
  return { ...doc, metadata: { ...doc.metadata, namespace: "default" } };
}

function sourceDoc(
  spec: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    apiVersion: "sources.knative.dev/v1",
    kind: "KafkaSource",
    metadata: { name: "k", namespace: "default", ...extra },
    spec: {
      bootstrapServers: ["127.0.0.1:9092"],
      topics: ["t"],
      sink: { uri: "http://x.example/" },
      ...spec,
    },
  };
}

const paths = (doc: unknown) => parseKafkaSource(doc).errors.map((e) => e.path).sort();

DOCUMENTS.test("Knative's basic KafkaSource document is accepted with Knative's defaults filled in", () => {
  const { source, errors } = parseKafkaSource(conformance("kafkasource-basic.yaml"));
  deepStrictEqual(errors, []);
  equal(source.spec.initialOffset, "latest");
  equal(source.spec.ordering, "ordered");
  equal(consumerGroupOf(source), "knative-group");
});

DOCUMENTS.test("Knative's TLS KafkaSource document is stored, and reported as a connection Denative cannot make", () => {
  const { source, errors } = parseKafkaSource(conformance("kafkasource-tls.yaml"));
  deepStrictEqual(errors, []);
  equal(source.spec.bootstrapServers[0], "my-secure-kafka-bootstrap.kafka:443");
  equal(unsupportedNet(source)?.startsWith("spec.net asks for TLS"), true);
});

Deno.test("a KafkaSource asking for TLS or SASL is stored, and says it cannot connect", () => {
  const net = {
    tls: { enable: true, caCert: { secretKeyRef: { name: "ca", key: "ca.crt" } } },
    sasl: { enable: true, user: { secretKeyRef: { name: "u", key: "user" } } },
  };
  const { source, errors } = parseKafkaSource(sourceDoc({ net }));
  deepStrictEqual(errors, []);
  equal(unsupportedNet(source)?.startsWith("spec.net asks for TLS and SASL"), true);
  equal(unsupportedNet(parseKafkaSource(sourceDoc({})).source), undefined);
});

Deno.test("a v1beta1 KafkaSource, as Knative ships it, is stored as v1", () => {
  const { source, errors } = parseKafkaSource({
    ...sourceDoc({}),
    apiVersion: "sources.knative.dev/v1beta1",
  });
  deepStrictEqual(errors, []);
  equal(source.apiVersion, "sources.knative.dev/v1");
});

Deno.test("comma-separated bootstrap servers are split, as Knative accepts them", () => {
  const { source: s } = parseKafkaSource(sourceDoc({ bootstrapServers: ["a:1, b:2", "c:3"] }));
  deepStrictEqual(s.spec.bootstrapServers, ["a:1", "b:2", "c:3"]);
});

Deno.test("invalid fields are refused at their paths", () => {
  deepStrictEqual(paths(sourceDoc({ topics: [] })), ["spec.topics"]);
  deepStrictEqual(paths(sourceDoc({ topics: ["bad topic"] })), ["spec.topics[0]"]);
  deepStrictEqual(paths(sourceDoc({ bootstrapServers: ["nohost"] })), ["spec.bootstrapServers[0]"]);
  deepStrictEqual(paths(sourceDoc({ initialOffset: "oldest" })), ["spec.initialOffset"]);
  deepStrictEqual(paths(sourceDoc({ ordering: "random" })), ["spec.ordering"]);
  deepStrictEqual(paths(sourceDoc({ sink: {} })), ["spec.sink"]);
  deepStrictEqual(paths(sourceDoc({ delivery: { retry: -1 } })), ["spec.delivery.retry"]);
  deepStrictEqual(
    paths(sourceDoc({}, { annotations: { "autoscaling.denative.dev/lag-threshold": "0" } })),
    ["metadata.annotations[autoscaling.denative.dev/lag-threshold]"],
  );
});

Deno.test("the consumer group defaults to one derived from the source's uid", () => {
  const { source: s } = parseKafkaSource(sourceDoc({}, { uid: "1234" }));
  equal(consumerGroupOf(s), "knative-kafka-source-1234");
});

Deno.test("the lag threshold and key type come from annotations, with defaults", () => {
  const plain = parseKafkaSource(sourceDoc({})).source;
  equal(lagThresholdOf(plain), 10);
  equal(keyTypeOf(plain), "string");
  const annotated = parseKafkaSource(sourceDoc({}, {
    annotations: {
      "autoscaling.denative.dev/lag-threshold": "50",
      "kafkasources.sources.knative.dev/key-type": "byte-array",
    },
  })).source;
  equal(lagThresholdOf(annotated), 50);
  equal(keyTypeOf(annotated), "byte-array");
});

Deno.test("without a delivery spec a source retries quickly; with one it follows it", () => {
  const plain = parseKafkaSource(sourceDoc({})).source;
  equal(deliveryPolicyOf(plain).attempts, 6);
  const given = parseKafkaSource(sourceDoc({ delivery: { retry: 2, backoffDelay: "PT0.1S" } }))
    .source as KafkaSource;
  equal(deliveryPolicyOf(given).attempts, 3);
  equal(deliveryPolicyOf(given).backoffDelayMs, 100);
});
