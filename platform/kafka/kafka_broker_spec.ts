/**
 * The Kafka-backed broker class (`eventing.knative.dev/broker.class: Kafka`), as Knative's
 * eventing-kafka-broker names things: the broker's topic `knative-broker-{namespace}-{name}`, each
 * trigger's consumer group `knative-trigger-{namespace}-{name}`, and the annotations that configure
 * them. Pure: settings and validation only.
 *
 * Knative reads the Kafka settings from the ConfigMap `spec.config` names; Denative has no
 * ConfigMaps, so `spec.config` is accepted and ignored, and the same settings are annotations:
 * - `kafka.eventing.knative.dev/bootstrap.servers`: `host:port,...` (default: the node's
 *   `--kafka-bootstrap-servers`);
 * - `kafka.eventing.knative.dev/default.topic.partitions` and
 *   `kafka.eventing.knative.dev/default.topic.replication.factor`: the topic's size when it is
 *   created (default 3 partitions, 1 replica);
 * - `kafka.eventing.knative.dev/external.topic`: an existing topic to use instead (never created).
 * On a Trigger, `kafka.eventing.knative.dev/delivery.order`: `ordered` (one event at a time per
 * partition) or `unordered` (the default: up to a bounded number in flight).
 */
import type { FieldError } from "../resources/field_errors.ts";
import type { KObject } from "../resources/meta.ts";
import { BROKER_CLASS_ANNOTATION } from "../eventing/broker/broker_class.ts";

export const KAFKA_BROKER_CLASS = "Kafka";
export const BOOTSTRAP_SERVERS_ANNOTATION = "kafka.eventing.knative.dev/bootstrap.servers";
export const TOPIC_PARTITIONS_ANNOTATION = "kafka.eventing.knative.dev/default.topic.partitions";
export const TOPIC_REPLICATION_ANNOTATION = "kafka.eventing.knative.dev/default.topic.replication.factor";
export const EXTERNAL_TOPIC_ANNOTATION = "kafka.eventing.knative.dev/external.topic";
export const DELIVERY_ORDER_ANNOTATION = "kafka.eventing.knative.dev/delivery.order";

/** A broker topic's size when Denative creates it: a few partitions suit a small node. */
export const KAFKA_TOPIC_DEFAULTS = { partitions: 3, replicationFactor: 1 } as const;

export type DeliveryOrder = "ordered" | "unordered";

export interface KafkaBrokerSettings {
  bootstrapServers: string[];
  topic: string;
  /** How to create the topic when it is missing; undefined for an external topic (never created). */
  create?: { partitions: number; replicationFactor: number };
}

type Annotated = Pick<KObject, "metadata">;

const BOOTSTRAP_SERVER = /^[^\s,:]+:\d{1,5}$/;
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Whether the broker is of the Kafka class (the annotation is case-sensitive, as in Knative). */
export function isKafkaClass(broker: Annotated): boolean {
  return broker.metadata.annotations?.[BROKER_CLASS_ANNOTATION] === KAFKA_BROKER_CLASS;
}

export function brokerTopic(namespace: string, name: string): string {
  return `knative-broker-${namespace}-${name}`;
}

export function triggerGroup(namespace: string, name: string): string {
  return `knative-trigger-${namespace}-${name}`;
}

/** The broker's cluster and topic; `defaultServers` when it has no bootstrap.servers annotation. */
export function kafkaBrokerSettings(
  broker: Annotated,
  defaultServers: readonly string[],
): KafkaBrokerSettings {
  const annotations = broker.metadata.annotations ?? {};
  const servers = splitServers(annotations[BOOTSTRAP_SERVERS_ANNOTATION]);
  const bootstrapServers = servers.length > 0 ? servers : [...defaultServers];
  const external = annotations[EXTERNAL_TOPIC_ANNOTATION]?.trim();
  if (external) return { bootstrapServers, topic: external };
  return {
    bootstrapServers,
    topic: brokerTopic(broker.metadata.namespace, broker.metadata.name),
    create: {
      partitions: positiveInt(annotations[TOPIC_PARTITIONS_ANNOTATION]) ?? KAFKA_TOPIC_DEFAULTS.partitions,
      replicationFactor: positiveInt(annotations[TOPIC_REPLICATION_ANNOTATION]) ??
        KAFKA_TOPIC_DEFAULTS.replicationFactor,
    },
  };
}

/** What is wrong with a Kafka-class broker's annotations (nothing for other classes). */
export function validateKafkaBroker(broker: Annotated): FieldError[] {
  if (!isKafkaClass(broker)) return [];
  const annotations = broker.metadata.annotations ?? {};
  const errors: FieldError[] = [];
  const at = (name: string) => `metadata.annotations[${name}]`;
  const servers = annotations[BOOTSTRAP_SERVERS_ANNOTATION];
  if (servers !== undefined) {
    const list = splitServers(servers);
    const bad = list.find((s) => !BOOTSTRAP_SERVER.test(s));
    if (list.length === 0 || bad !== undefined) {
      errors.push({
        path: at(BOOTSTRAP_SERVERS_ANNOTATION),
        message: `must be a comma-separated list of host:port${bad ? `, not "${bad}"` : ""}`,
      });
    }
  }
  for (const name of [TOPIC_PARTITIONS_ANNOTATION, TOPIC_REPLICATION_ANNOTATION]) {
    const value = annotations[name];
    if (value !== undefined && positiveInt(value) === undefined) {
      errors.push({ path: at(name), message: `must be a positive integer, not "${value}"` });
    }
  }
  const external = annotations[EXTERNAL_TOPIC_ANNOTATION];
  if (external !== undefined && !TOPIC_NAME.test(external.trim())) {
    errors.push({
      path: at(EXTERNAL_TOPIC_ANNOTATION),
      message: "must be a Kafka topic name: 1-249 of a-z, A-Z, 0-9, '.', '_' and '-'",
    });
  }
  return errors;
}

/** The trigger's delivery order: `unordered` unless the annotation says `ordered`. */
export function deliveryOrderOf(trigger: Annotated): DeliveryOrder {
  return trigger.metadata.annotations?.[DELIVERY_ORDER_ANNOTATION]?.trim() === "ordered"
    ? "ordered"
    : "unordered";
}

/** What is wrong with a trigger's Kafka annotations. */
export function validateKafkaTrigger(trigger: Annotated): FieldError[] {
  const order = trigger.metadata.annotations?.[DELIVERY_ORDER_ANNOTATION];
  if (order === undefined || ["ordered", "unordered"].includes(order.trim())) return [];
  return [{
    path: `metadata.annotations[${DELIVERY_ORDER_ANNOTATION}]`,
    message: `must be "ordered" or "unordered", not "${order}"`,
  }];
}

function splitServers(value: string | undefined): string[] {
  return (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}
