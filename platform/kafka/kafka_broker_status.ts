/**
 * The conditions only a Kafka-class broker has, decided from what is known about its topic (pure):
 * `ConfigParsed` (True; says that `spec.config` is ignored when it is set) and `TopicReady` (the
 * topic exists on the cluster: reasons `Checking` before the first check, `BrokerUnreachable`
 * while the Kafka cluster does not answer, `TopicNotPresent` for a missing external topic,
 * `TopicCreationFailed`). `broker_status.ts` adds them to the broker's other conditions. A trigger
 * of such a broker also has `SubscriptionReady`: its consumer group runs (reasons
 * `ConsumerGroupNotStarted` until the broker's topic is there, `ConsumerGroupJoining`,
 * `BrokerUnreachable`, `ConsumerFailed`).
 */
import type { Condition } from "../resources/meta.ts";
import type { Broker } from "../eventing/broker/broker_resource.ts";
import type { SubscriptionCheck } from "../eventing/broker/trigger_status.ts";
import {
  BOOTSTRAP_SERVERS_ANNOTATION,
  EXTERNAL_TOPIC_ANNOTATION,
  type KafkaBrokerSettings,
  TOPIC_PARTITIONS_ANNOTATION,
} from "./kafka_broker_spec.ts";

/** What the last check of the broker's topic found. */
export type KafkaTopicState =
  | { kind: "unchecked" }
  | { kind: "present" }
  | { kind: "missing" }
  | { kind: "unreachable"; error: string }
  | { kind: "failed"; error: string };

export interface KafkaBrokerFacts {
  settings: KafkaBrokerSettings;
  topic: KafkaTopicState;
}

/** What a trigger's consumer group member knows about itself (undefined: it does not run). */
export interface ConsumerState {
  /** `starting` until the first join; `failed` after a crash, until it joins again. */
  consumer: "starting" | "joined" | "failed";
  error?: string;
  /** The consumer failed because it could not reach the Kafka brokers. */
  unreachable?: boolean;
}

export type { SubscriptionCheck };

/** The trigger's `SubscriptionReady`, from its consumer group member's state. */
export function subscriptionCheck(
  state: ConsumerState | undefined,
  group: string,
  servers: readonly string[],
): SubscriptionCheck {
  if (!state) {
    return {
      ok: false,
      reason: "ConsumerGroupNotStarted",
      message: `consumer group "${group}" starts once the broker's topic is ready`,
    };
  }
  switch (state.consumer) {
    case "joined":
      return { ok: true };
    case "starting":
      return { ok: false, reason: "ConsumerGroupJoining", message: `joining consumer group "${group}"` };
    case "failed":
      return state.unreachable
        ? {
          ok: false,
          reason: "BrokerUnreachable",
          message: `the Kafka brokers ${servers.join(",")} do not answer: ${state.error ?? "unknown error"}`,
        }
        : {
          ok: false,
          reason: "ConsumerFailed",
          message: `consumer group "${group}" failed and is restarting: ${state.error ?? "unknown error"}`,
        };
  }
}

/** The conditions a Kafka-class broker's status adds, `TopicReady` last. */
export function kafkaBrokerConditions(broker: Broker, facts: KafkaBrokerFacts): Condition[] {
  return [configParsed(broker), topicReady(facts)];
}

function configParsed(broker: Broker): Condition {
  const config = broker.spec?.config;
  if (!config || Object.keys(config).length === 0) return { type: "ConfigParsed", status: "True" };
  const ref = [config.namespace, config.name].filter((p) => typeof p === "string").join("/");
  return {
    type: "ConfigParsed",
    status: "True",
    reason: "ConfigIgnored",
    message: `spec.config${ref ? ` (${ref})` : ""} is accepted and ignored: Denative takes the Kafka ` +
      `cluster from the ${BOOTSTRAP_SERVERS_ANNOTATION} annotation (else the node's ` +
      `--kafka-bootstrap-servers), the topic from ${EXTERNAL_TOPIC_ANNOTATION} and its size from ` +
      `${TOPIC_PARTITIONS_ANNOTATION}`,
  };
}

function topicReady({ settings, topic: state }: KafkaBrokerFacts): Condition {
  const type = "TopicReady";
  const { topic, bootstrapServers } = settings;
  const servers = bootstrapServers.join(",");
  switch (state.kind) {
    case "present":
      return { type, status: "True", message: `topic "${topic}" on ${servers}` };
    case "unchecked":
      return {
        type,
        status: "Unknown",
        reason: "Checking",
        message: `checking topic "${topic}" on ${servers}`,
      };
    case "missing":
      return {
        type,
        status: "False",
        reason: "TopicNotPresent",
        message: `the external topic "${topic}" does not exist on ${servers} (it is never created)`,
      };
    case "unreachable":
      return {
        type,
        status: "False",
        reason: "BrokerUnreachable",
        message: `the Kafka brokers ${servers} do not answer: ${state.error}`,
      };
    case "failed":
      return {
        type,
        status: "False",
        reason: "TopicCreationFailed",
        message: `topic "${topic}" could not be created on ${servers}: ${state.error}`,
      };
  }
}
