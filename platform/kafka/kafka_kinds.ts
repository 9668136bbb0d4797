/**
 * The kinds the Kafka extension serves on the admin API: `sources.knative.dev/v1` `kafkasources`
 * (also at `v1beta1`, the version Knative ships; stored as v1) and `eventing.knative.dev/v1alpha1`
 * `kafkasinks`.
 */
import type { KindInfo } from "../resources/kinds.ts";
import { SOURCES_GROUP } from "../eventing/sources/source_spec.ts";
import { KafkaSourceDocument, parseKafkaSource } from "./kafka_source.ts";
import { KafkaSinkDocument, parseKafkaSink } from "./kafka_sink.ts";

export function kafkaKinds(): KindInfo[] {
  const kafkaSource = (version: string): KindInfo => ({
    group: SOURCES_GROUP,
    version,
    plural: "kafkasources",
    kind: "KafkaSource",
    schema: KafkaSourceDocument,
    parse(doc) {
      const { source, errors } = parseKafkaSource(doc);
      return { object: source, errors };
    },
  });
  return [
    kafkaSource("v1beta1"),
    // Registered last, so v1 is the version the registry names for the kind.
    kafkaSource("v1"),
    {
      group: "eventing.knative.dev",
      version: "v1alpha1",
      plural: "kafkasinks",
      kind: "KafkaSink",
      schema: KafkaSinkDocument,
      parse(doc) {
        const { sink, errors } = parseKafkaSink(doc);
        return { object: sink, errors };
      },
    },
  ];
}
