import { deepStrictEqual, equal } from "node:assert/strict";
import YAML from "yaml";
import { parseKafkaSink, topicToCreate } from "./kafka_sink.ts";
import { conformanceSuite } from "../../test/conformance.ts";

const DOCUMENTS = conformanceSuite("knative-yaml");

const sinkDoc = (spec: Record<string, unknown>) => ({
  apiVersion: "eventing.knative.dev/v1alpha1",
  kind: "KafkaSink",
  metadata: { name: "s", namespace: "default" },
  spec: { topic: "t", bootstrapServers: ["127.0.0.1:9092"], ...spec },
});
const paths = (doc: unknown) => parseKafkaSink(doc).errors.map((e) => e.path).sort();

DOCUMENTS.test("Knative's KafkaSink documents are accepted, binary by default", () => {
  const basic = parseKafkaSink(YAML.parse(DOCUMENTS.readText("kafkasink-basic.yaml")));
  deepStrictEqual(basic.errors, []);
  equal(basic.sink.spec.contentMode, "binary");
  const structured = parseKafkaSink(YAML.parse(DOCUMENTS.readText("kafkasink-content-mode.yaml")));
  deepStrictEqual(structured.errors, []);
  equal(structured.sink.spec.contentMode, "binary");
  equal(structured.sink.spec.topic, "mytopic");
});

Deno.test("a KafkaSink in structured mode keeps its mode", () => {
  equal(parseKafkaSink(sinkDoc({ contentMode: "structured" })).sink.spec.contentMode, "structured");
});

Deno.test("invalid KafkaSink fields are refused at their paths", () => {
  deepStrictEqual(paths(sinkDoc({ topic: "a/b" })), ["spec.topic"]);
  deepStrictEqual(paths(sinkDoc({ contentMode: "batched" })), ["spec.contentMode"]);
  deepStrictEqual(paths(sinkDoc({ bootstrapServers: [] })), ["spec.bootstrapServers"]);
  deepStrictEqual(paths(sinkDoc({ numPartitions: 0 })), ["spec.numPartitions"]);
});

Deno.test("the topic is created only when both its partitions and replication factor are given", () => {
  equal(topicToCreate(parseKafkaSink(sinkDoc({ numPartitions: 3 })).sink), undefined);
  deepStrictEqual(
    topicToCreate(parseKafkaSink(sinkDoc({ numPartitions: 3, replicationFactor: 1 })).sink),
    { partitions: 3, replicationFactor: 1 },
  );
});
