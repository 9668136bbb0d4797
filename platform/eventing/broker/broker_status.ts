/**
 * A Broker's status, decided from what is known about it (pure): its address on this node's
 * ingress, whether its dead-letter sink resolves, and whether this node serves its class: the
 * default class is `IngressReady` at once; a plugged-in class (Kafka, RabbitMQBroker) gives its own
 * conditions (a Kafka topic's, a RabbitMQ connection's), the first that fails making `Ready` false.
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

export interface BrokerFacts {
  /** The ingress URL this node gives the broker. */
  address: string;
  /** The dead-letter sink's resolution, when `spec.delivery.deadLetterSink` is set. */
  deadLetter?: SinkResolution;
  /** For a broker of a plugged-in class this node serves: that class's conditions. */
  classConditions?: Condition[];
  /** The plugged-in classes this node serves (for the message of a class it does not). */
  otherClasses?: readonly string[];
}

/** Conditions every broker has; any other comes from its class and goes when the class changes. */
const COMMON_CONDITIONS = ["Addressable", "DeadLetterSinkResolved", "Ready"];

export function brokerStatus(broker: Broker, facts: BrokerFacts, now: Date): BrokerStatus {
  let conditions = broker.status?.conditions;
  const set = (c: Condition) => (conditions = setCondition(conditions, c, now));
  const status: BrokerStatus = { observedGeneration: broker.metadata.generation };
  const classConditions = isDefaultClass(broker)
    ? [{ type: "IngressReady", status: "True" } as Condition]
    : facts.classConditions;
  if (!classConditions) {
    const served = [DEFAULT_BROKER_CLASS, ...(facts.otherClasses ?? [])].map((c) => `"${c}"`);
    served[0] += ", the default class";
    const list = served.length > 1
      ? `${served.slice(0, -1).join(", ")} and ${served[served.length - 1]}`
      : served[0];
    const message = `broker class "${brokerClassOf(broker)}" is not served by this node (it serves ${list})`;
    set({ type: "Addressable", status: "False", reason: "BrokerClassNotSupported", message });
    set({ type: "Ready", status: "False", reason: "BrokerClassNotSupported", message });
    return { ...status, conditions: only(conditions, ["Addressable", "Ready"]) };
  }
  status.address = { url: facts.address };
  set({ type: "Addressable", status: "True" });
  conditions = only(conditions, [...COMMON_CONDITIONS, ...classConditions.map((c) => c.type)]);
  let failed: Condition | undefined;
  for (const c of classConditions) {
    set(c);
    if (c.status !== "True") failed ??= c;
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

function only(conditions: Condition[] | undefined, types: string[]): Condition[] {
  return (conditions ?? []).filter((c) => types.includes(c.type));
}
