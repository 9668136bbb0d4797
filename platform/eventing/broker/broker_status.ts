/**
 * A Broker's status, decided from what is known about it (pure): its address on this node's
 * ingress, whether its dead-letter sink resolves, whether this node serves its class, and for a
 * Kafka-class broker whether its topic is there (`kafka_broker_status.ts`).
 */
import { type Condition, setCondition } from "../../resources/meta.ts";
import type { SinkResolution } from "../event_sender.ts";
import {
  type Broker,
  brokerClassOf,
  type BrokerStatus,
  DEFAULT_BROKER_CLASS,
  isDefaultClass,
} from "./broker_resource.ts";
import { isKafkaClass, KAFKA_BROKER_CLASS } from "./kafka_broker_spec.ts";
import { kafkaBrokerConditions, type KafkaBrokerFacts } from "./kafka_broker_status.ts";
import type { RabbitmqBrokerFacts } from "../../rabbitmq/rabbitmq_broker_controller.ts";
import { isRabbitmqClass, RABBITMQ_BROKER_CLASS } from "../../rabbitmq/rabbitmq_broker_spec.ts";

export interface BrokerFacts {
  /** The ingress URL this node gives the broker. */
  address: string;
  /** The dead-letter sink's resolution, when `spec.delivery.deadLetterSink` is set. */
  deadLetter?: SinkResolution;
  /** For a Kafka-class broker: its cluster and topic, and what the last topic check found. */
  kafka?: KafkaBrokerFacts;
  /** For a RabbitMQBroker: the state of its connection to RabbitMQ. */
  rabbitmq?: RabbitmqBrokerFacts;
}

export function brokerStatus(broker: Broker, facts: BrokerFacts, now: Date): BrokerStatus {
  let conditions = broker.status?.conditions;
  const set = (c: Condition) => (conditions = setCondition(conditions, c, now));
  const status: BrokerStatus = { observedGeneration: broker.metadata.generation };
  const kafka = isKafkaClass(broker) ? facts.kafka : undefined;
  const rabbitmq = isRabbitmqClass(broker) ? facts.rabbitmq : undefined;
  if (!isDefaultClass(broker) && !kafka && !rabbitmq) {
    const message = `broker class "${brokerClassOf(broker)}" is not served by this node ` +
      `(it serves "${DEFAULT_BROKER_CLASS}", the default class, "${KAFKA_BROKER_CLASS}" and "${RABBITMQ_BROKER_CLASS}")`;
    set({ type: "Addressable", status: "False", reason: "BrokerClassNotSupported", message });
    set({ type: "Ready", status: "False", reason: "BrokerClassNotSupported", message });
    return {
      ...status,
      conditions: without(conditions, ["IngressReady", "DeadLetterSinkResolved", ...KAFKA_CONDITIONS]),
    };
  }
  status.address = { url: facts.address };
  set({ type: "Addressable", status: "True" });
  let failed: Condition | undefined;
  if (kafka) {
    conditions = without(conditions, ["IngressReady"]);
    for (const c of kafkaBrokerConditions(broker, kafka)) {
      set(c);
      if (c.status !== "True") failed ??= c;
    }
  } else if (rabbitmq) {
    conditions = without(conditions, KAFKA_CONDITIONS);
    const { state } = rabbitmq;
    const ingress: Condition = state.state === "connected"
      ? { type: "IngressReady", status: "True" }
      : state.state === "connecting"
      ? { type: "IngressReady", status: "Unknown", reason: "Connecting", message: "connecting to RabbitMQ" }
      : {
        type: "IngressReady",
        status: "False",
        reason: state.reason ?? "BrokerUnreachable",
        message: state.reason ? state.error : `RabbitMQ does not answer: ${state.error}`,
      };
    set(ingress);
    if (ingress.status !== "True") failed ??= ingress;
  } else {
    conditions = without(conditions, KAFKA_CONDITIONS);
    set({ type: "IngressReady", status: "True" });
  }
  if (!facts.deadLetter) {
    set({ type: "DeadLetterSinkResolved", status: "True", reason: "DeadLetterSinkNotConfigured" });
  } else if ("error" in facts.deadLetter) {
    const dls: Condition = {
      type: "DeadLetterSinkResolved",
      status: "False",
      reason: "UnableToResolveDeadLetterSink",
      message: facts.deadLetter.error,
    };
    set(dls);
    failed ??= dls;
  } else {
    status.deadLetterSinkUri = facts.deadLetter.url;
    set({ type: "DeadLetterSinkResolved", status: "True" });
  }
  set(failed ? { ...failed, type: "Ready" } : { type: "Ready", status: "True" });
  return { ...status, conditions };
}

/** Conditions only a Kafka-class broker has. */
const KAFKA_CONDITIONS = ["ConfigParsed", "TopicReady"];

function without(conditions: Condition[] | undefined, types: string[]): Condition[] {
  return (conditions ?? []).filter((c) => !types.includes(c.type));
}
