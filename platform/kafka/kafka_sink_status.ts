/**
 * A KafkaSink's status, as a pure function: `address.url` (where events are POSTed, set as soon as
 * the sink exists), `Addressable`, `TopicReady` (the topic exists: reasons `TopicNotPresent`,
 * `BrokerUnreachable`, `Checking` before the first check), `ConfigParsed` (False with
 * `AuthNotSupported` when `spec.auth` is set) and `Ready` over them.
 */
import { type ConditionCheck, sourceStatus } from "../eventing/sources/source_status.ts";
import type { KafkaSinkStatus } from "./kafka_sink.ts";

/** What the last topic check found. */
export type TopicState =
  | { kind: "unchecked" }
  | { kind: "present" }
  | { kind: "missing" }
  | { kind: "unreachable"; error: string };

export function topicCheck(state: TopicState, topic: string, brokers: readonly string[]): ConditionCheck {
  const type = "TopicReady";
  switch (state.kind) {
    case "present":
      return { type, ok: true };
    case "unchecked":
      return { type, ok: false, reason: "Checking", message: `checking that topic "${topic}" exists` };
    case "missing":
      return {
        type,
        ok: false,
        reason: "TopicNotPresent",
        message: `topic "${topic}" does not exist on ${brokers.join(",")} ` +
          "(create it, or set numPartitions and replicationFactor for the sink to create it)",
      };
    case "unreachable":
      return {
        type,
        ok: false,
        reason: "BrokerUnreachable",
        message: `the Kafka brokers ${brokers.join(",")} do not answer: ${state.error}`,
      };
  }
}

export function kafkaSinkStatus(input: {
  previous: KafkaSinkStatus | undefined;
  generation: number | undefined;
  address: string;
  topic: ConditionCheck;
  unsupportedAuth?: string;
  now: Date;
}): KafkaSinkStatus {
  const checks: ConditionCheck[] = [{ type: "Addressable", ok: true }, input.topic];
  checks.push(
    input.unsupportedAuth
      ? { type: "ConfigParsed", ok: false, reason: "AuthNotSupported", message: input.unsupportedAuth }
      : { type: "ConfigParsed", ok: true },
  );
  return sourceStatus(input.previous, input.generation, undefined, checks, input.now, {
    address: { url: input.address },
  });
}
