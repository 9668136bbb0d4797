/**
 * What a Kafka-class broker's trigger does with one record of the broker's topic (pure): deliver
 * the event it holds, or skip it because
 * - it was written before the trigger existed (`before-trigger`): a trigger's consumer group
 *   starts at the topic's beginning, so a new trigger (or one created again under an old name,
 *   which reuses the group) skips what came before it, and a trigger whose group never committed
 *   an offset loses nothing written after it was created, however late the group first joins;
 * - the trigger's filter does not pass it (`filtered`), decided without the broker's TTL;
 * - it is not a CloudEvent (`invalid`: only another writer of an external topic makes those).
 */
import { eventAttributes } from "../eventing/cloudevents/attributes.ts";
import type { CloudEvent } from "../eventing/cloudevents/cloudevent.ts";
import { CloudEventError } from "../eventing/cloudevents/cloudevent_error.ts";
import { decodeKafkaRecord } from "../eventing/cloudevents/kafka_decode.ts";
import type { KafkaRecord } from "../eventing/cloudevents/kafka_record.ts";
import type { EventPredicate } from "../eventing/filters/compile_filter.ts";
import { TTL_EXTENSION } from "../eventing/broker/broker_ttl.ts";

export type RecordAction =
  | { kind: "deliver"; event: CloudEvent }
  | { kind: "skip"; why: "before-trigger" | "filtered" }
  | { kind: "skip"; why: "invalid"; error: string };

export interface TriggerRecordContext {
  /** When the trigger was created, ms since the epoch: older records are not for it. */
  since: number;
  /** The trigger's current filter. */
  matches: EventPredicate;
}

export function triggerRecordAction(
  record: KafkaRecord & { timestamp: number },
  context: TriggerRecordContext,
): RecordAction {
  if (record.timestamp < context.since) return { kind: "skip", why: "before-trigger" };
  let event: CloudEvent;
  try {
    event = decodeKafkaRecord(record);
  } catch (err) {
    if (!(err instanceof CloudEventError)) throw err;
    return { kind: "skip", why: "invalid", error: err.message };
  }
  const { [TTL_EXTENSION]: _, ...attributes } = eventAttributes(event);
  return context.matches(attributes) ? { kind: "deliver", event } : { kind: "skip", why: "filtered" };
}

/** A trigger's creation time in ms since the epoch (0, i.e. everything, when unknown or unreadable). */
export function triggerSince(creationTimestamp: string | undefined): number {
  const ms = creationTimestamp ? Date.parse(creationTimestamp) : NaN;
  return Number.isFinite(ms) ? ms : 0;
}
