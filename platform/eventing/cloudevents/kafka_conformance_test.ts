import assert from "node:assert/strict";
import { conformanceSuite } from "../../../test/conformance.ts";
import type { CloudEvent } from "./cloudevent.ts";
import { attributeValue, canonicalString } from "./attributes.ts";
import { eventDataJson } from "./event_data.ts";
import { type FeatureStep, keyValueTable, parseFeature } from "./feature_file.ts";
import { decodeKafkaRecord } from "./kafka_decode.ts";
import type { KafkaRecord } from "./kafka_record.ts";

const utf8 = new TextEncoder();

function runScenario(steps: FeatureStep[]): void {
  const record: KafkaRecord = { key: null, value: null, headers: {} };
  let event: CloudEvent | undefined;
  for (const step of steps) {
    if (step.text === "Kafka Protocol Binding is supported") continue;
    if (step.text === "a Kafka message with payload:") {
      record.value = utf8.encode(step.docString!);
    } else if (step.text === "Kafka headers:") {
      // Kafka header values travel as bytes.
      for (const [name, value] of Object.entries(keyValueTable(step.table))) {
        record.headers[name] = utf8.encode(value);
      }
    } else if (step.text === "parsed as Kafka message") {
      event = decodeKafkaRecord(record);
    } else if (step.text === "the attributes are:") {
      for (const [name, value] of Object.entries(keyValueTable(step.table))) {
        const actual = attributeValue(event!, name);
        assert.equal(actual === undefined ? undefined : canonicalString(actual), value, name);
      }
    } else if (step.text === "the data is equal to the following JSON:") {
      assert.deepEqual(eventDataJson(event!), JSON.parse(step.docString!));
    } else {
      throw new Error(`unsupported step: ${step.keyword} ${step.text}`);
    }
  }
}

/** The CloudEvents Kafka binding scenarios (outside suite, read at run time). */
const SUITE = conformanceSuite("cloudevents");
const scenarios = SUITE.missing ? [] : parseFeature(SUITE.readText("kafka-protocol-binding.feature"));

SUITE.test("the Kafka binding feature file yields its three scenarios", () => {
  assert.equal(scenarios.length, 3);
});

for (const scenario of scenarios) {
  SUITE.test(`Kafka binding conformance: ${scenario.name} parses into the listed attributes and data`, () => {
    runScenario(scenario.steps);
  });
}
