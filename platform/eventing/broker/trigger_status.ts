/**
 * A Trigger's status, decided from what is known about it (pure): its broker, where its subscriber
 * and dead-letter sink resolve, and for a trigger of a broker of another class (Kafka, RabbitMQ)
 * whether its consumer runs (`SubscriptionReady`). `Ready` carries the reason of the first condition that fails.
 */
import { type Condition, getCondition, isReady, setCondition } from "../../resources/meta.ts";
import type { SinkResolution } from "../event_sender.ts";
import type { Broker } from "./broker_resource.ts";
import type { Trigger, TriggerStatus } from "./trigger_resource.ts";

export interface TriggerFacts {
  broker?: Broker;
  subscriber: SinkResolution;
  /** The merged (trigger over broker) dead-letter sink's resolution, when one is set. */
  deadLetter?: SinkResolution;
  /** A trigger of a broker of another class (Kafka, RabbitMQ): its consumer's state (`SubscriptionReady`). */
  subscription?: SubscriptionCheck;
}

/** Whether a trigger's consumer (a Kafka consumer group member, a RabbitMQ queue consumer) runs. */
export type SubscriptionCheck = { ok: true } | { ok: false; reason: string; message: string };

export function triggerStatus(trigger: Trigger, facts: TriggerFacts, now: Date): TriggerStatus {
  let conditions = trigger.status?.conditions;
  const set = (c: Condition) => (conditions = setCondition(conditions, c, now));
  const status: TriggerStatus = { observedGeneration: trigger.metadata.generation };
  const checks: Condition[] = [];

  const { broker } = facts;
  if (!broker) {
    checks.push({
      type: "BrokerReady",
      status: "False",
      reason: "BrokerDoesNotExist",
      message: `Broker "${trigger.spec.broker}" does not exist`,
    });
  } else if (!isReady(broker)) {
    const ready = getCondition(broker, "Ready");
    checks.push({
      type: "BrokerReady",
      status: ready?.status === "False" ? "False" : "Unknown",
      reason: "BrokerNotReady",
      message: ready?.reason
        ? `Broker "${trigger.spec.broker}" is not ready: ${ready.reason}: ${ready.message ?? ""}`
        : `Broker "${trigger.spec.broker}" is not ready yet`,
    });
  } else checks.push({ type: "BrokerReady", status: "True" });

  if ("error" in facts.subscriber) {
    checks.push({
      type: "SubscriberResolved",
      status: "False",
      reason: "UnableToResolveSubscriber",
      message: facts.subscriber.error,
    });
  } else {
    status.subscriberUri = facts.subscriber.url;
    checks.push({ type: "SubscriberResolved", status: "True" });
  }

  if (!facts.deadLetter) {
    checks.push({ type: "DeadLetterSinkResolved", status: "True", reason: "DeadLetterSinkNotConfigured" });
  } else if ("error" in facts.deadLetter) {
    checks.push({
      type: "DeadLetterSinkResolved",
      status: "False",
      reason: "UnableToResolveDeadLetterSink",
      message: facts.deadLetter.error,
    });
  } else {
    status.deadLetterSinkUri = facts.deadLetter.url;
    checks.push({ type: "DeadLetterSinkResolved", status: "True" });
  }

  const { subscription } = facts;
  if (subscription) {
    checks.push(
      subscription.ok ? { type: "SubscriptionReady", status: "True" } : {
        type: "SubscriptionReady",
        status: "False",
        reason: subscription.reason,
        message: subscription.message,
      },
    );
  } else conditions = conditions?.filter((c) => c.type !== "SubscriptionReady");

  checks.forEach(set);
  const failed = checks.find((c) => c.status !== "True");
  set(failed ? { ...failed, type: "Ready" } : { type: "Ready", status: "True" });
  return { ...status, conditions };
}
