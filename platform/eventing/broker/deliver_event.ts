/**
 * One event to one subscriber, Knative's way: attempts with backoff and a per-attempt timeout per
 * the delivery policy, retried only when retryable; a 2xx answer whose body is not a CloudEvent
 * counts as a failed attempt (502, as Knative's broker filter answers); when attempts run out the
 * event goes to the dead-letter sink with the `knativeerror*` extensions, or is dropped. No I/O of
 * its own: sending and time are injected.
 */
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import type { Clock } from "../delivery/clock.ts";
import { type DeliveryFailure, failureOf, withDeadLetterExtensions } from "../delivery/dead_letter.ts";
import type { DeliveryPolicy } from "../delivery/delivery_policy.ts";
import { retryLoop } from "../delivery/retry_loop.ts";
import type { SendResult, SinkResolution } from "../event_sender.ts";

export type SendFn = (
  url: string,
  event: CloudEvent,
  opts: { signal: AbortSignal; format?: "binary" | "json" },
) => Promise<SendResult>;

export interface DeliverInput {
  event: CloudEvent;
  subscriber: SinkResolution;
  policy: DeliveryPolicy;
  /** The dead-letter sink's resolution, when the policy has one. */
  deadLetter?: SinkResolution;
  clock: Clock;
  send: SendFn;
}

export type DeliveryOutcome =
  | { kind: "delivered"; attempts: number; reply?: CloudEvent }
  | { kind: "dead-lettered"; attempts: number; failure: DeliveryFailure }
  | { kind: "dropped"; attempts: number; failure: DeliveryFailure; reason: string };

const BAD_GATEWAY = 502;

/** A send whose 2xx answers that are not CloudEvents (nor empty) become 502s. */
function strictSend(send: SendFn, url: string, event: CloudEvent, format: DeliveryPolicy["format"]) {
  return async ({ signal }: { signal: AbortSignal }): Promise<SendResult> => {
    const result = await send(url, event, { signal, format });
    if (result.replyError === undefined) return result;
    return { status: BAD_GATEWAY, body: new TextEncoder().encode(result.replyError) };
  };
}

export async function deliverEvent(input: DeliverInput): Promise<DeliveryOutcome> {
  const { event, subscriber, policy, clock, send } = input;
  const destination = "url" in subscriber ? subscriber.url : "(unresolved subscriber)";
  const loop = await retryLoop({
    policy,
    clock,
    send: "url" in subscriber
      ? strictSend(send, subscriber.url, event, policy.format)
      : () => Promise.reject(new Error(subscriber.error)),
  });
  if (loop.delivered) {
    const last = loop.outcome.kind === "response" ? loop.outcome.response : undefined;
    return { kind: "delivered", attempts: loop.attempts, ...(last?.reply ? { reply: last.reply } : {}) };
  }
  const failure = failureOf(destination, loop.outcome);
  const attempts = loop.attempts;
  const dls = input.deadLetter;
  if (!dls) return { kind: "dropped", attempts, failure, reason: "no dead-letter sink is configured" };
  if ("error" in dls) {
    return {
      kind: "dropped",
      attempts,
      failure,
      reason: `the dead-letter sink does not resolve: ${dls.error}`,
    };
  }
  const dead = withDeadLetterExtensions(event, failure);
  const toDls = await retryLoop({
    policy,
    clock,
    send: ({ signal }) => send(dls.url, dead, { signal, format: policy.format }),
  });
  if (toDls.delivered) return { kind: "dead-lettered", attempts, failure };
  const dlsFailure = failureOf(dls.url, toDls.outcome);
  return {
    kind: "dropped",
    attempts,
    failure,
    reason: `the dead-letter sink ${dls.url} failed too (status ${dlsFailure.status})`,
  };
}
