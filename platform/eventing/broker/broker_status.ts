/**
 * A Broker's status, decided from what is known about it (pure): its address on this node's
 * ingress, whether its dead-letter sink resolves, and whether this node serves its class.
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
}

export function brokerStatus(broker: Broker, facts: BrokerFacts, now: Date): BrokerStatus {
  let conditions = broker.status?.conditions;
  const set = (c: Condition) => (conditions = setCondition(conditions, c, now));
  const status: BrokerStatus = { observedGeneration: broker.metadata.generation };
  if (!isDefaultClass(broker)) {
    const message = `broker class "${brokerClassOf(broker)}" is not served by this node ` +
      `(its own durable broker serves "${DEFAULT_BROKER_CLASS}", the default class)`;
    set({ type: "Addressable", status: "False", reason: "BrokerClassNotSupported", message });
    set({ type: "Ready", status: "False", reason: "BrokerClassNotSupported", message });
    return { ...status, conditions: without(conditions, ["IngressReady", "DeadLetterSinkResolved"]) };
  }
  status.address = { url: facts.address };
  set({ type: "Addressable", status: "True" });
  set({ type: "IngressReady", status: "True" });
  let failed: Condition | undefined;
  if (!facts.deadLetter) {
    set({ type: "DeadLetterSinkResolved", status: "True", reason: "DeadLetterSinkNotConfigured" });
  } else if ("error" in facts.deadLetter) {
    failed = {
      type: "DeadLetterSinkResolved",
      status: "False",
      reason: "UnableToResolveDeadLetterSink",
      message: facts.deadLetter.error,
    };
    set(failed);
  } else {
    status.deadLetterSinkUri = facts.deadLetter.url;
    set({ type: "DeadLetterSinkResolved", status: "True" });
  }
  set(failed ? { ...failed, type: "Ready" } : { type: "Ready", status: "True" });
  return { ...status, conditions };
}

function without(conditions: Condition[] | undefined, types: string[]): Condition[] {
  return (conditions ?? []).filter((c) => !types.includes(c.type));
}
