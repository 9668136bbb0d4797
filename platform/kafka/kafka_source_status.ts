/**
 * A KafkaSource's status, as a pure function of what is known about it: `SinkProvided` (the sink
 * resolves), `ConnectionEstablished` (Knative's condition: the brokers answer and the consumer is a
 * member of its group; reasons `Connecting`, `BrokerUnreachable`, `ConsumerFailed`,
 * `NetNotSupported`), `Ready` over both, `sinkUri` and the consumer group.
 */
import type { SinkResolution } from "../eventing/event_sender.ts";
import { type ConditionCheck, sinkCheck, sourceStatus } from "../eventing/sources/source_status.ts";
import type { KafkaSourceStatus } from "./kafka_source.ts";

export const CONNECTION_CONDITION = "ConnectionEstablished";

/** What the source's runner knows about its connection. */
export interface ConnectionState {
  /** `starting` until the first join; `failed` after a crash, until it joins again. */
  consumer: "starting" | "joined" | "failed";
  consumerError?: string;
  /** The consumer failed because it could not reach the brokers. */
  consumerUnreachable?: boolean;
  /** The last admin round trip (lag poll), if any yet. */
  probe?: { ok: true } | { ok: false; error: string };
}

export function connectionCheck(
  state: ConnectionState | undefined,
  brokers: readonly string[],
  unsupported?: string,
): ConditionCheck {
  const type = CONNECTION_CONDITION;
  if (unsupported) return { type, ok: false, reason: "NetNotSupported", message: unsupported };
  if (!state) return { type, ok: false, reason: "Connecting", message: "the consumer is not started yet" };
  const unreachable = state.probe && !state.probe.ok
    ? state.probe.error
    : state.consumer === "failed" && state.consumerUnreachable
    ? state.consumerError
    : undefined;
  if (unreachable !== undefined) {
    return {
      type,
      ok: false,
      reason: "BrokerUnreachable",
      message: `the Kafka brokers ${brokers.join(",")} do not answer: ${unreachable}`,
    };
  }
  if (state.consumer === "failed") {
    return {
      type,
      ok: false,
      reason: "ConsumerFailed",
      message: `the consumer failed and is restarting: ${state.consumerError ?? "unknown error"}`,
    };
  }
  if (state.consumer === "starting") {
    return { type, ok: false, reason: "Connecting", message: "joining the consumer group" };
  }
  return { type, ok: true };
}

export function kafkaSourceStatus(input: {
  previous: KafkaSourceStatus | undefined;
  generation: number | undefined;
  sink: SinkResolution;
  connection: ConditionCheck;
  consumerGroup: string;
  now: Date;
}): KafkaSourceStatus {
  return sourceStatus(
    input.previous,
    input.generation,
    input.sink,
    [sinkCheck(input.sink), input.connection],
    input.now,
    { consumerGroup: input.consumerGroup },
  );
}
