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
import type { DestinationRecovery } from "../delivery/destination_recovery.ts";
import type { SendResult, SinkResolution } from "../event_sender.ts";

export type SendFn = (
  url: string,
  event: CloudEvent,
  opts: { signal: AbortSignal; format?: "binary" | "json" },
) => Promise<SendResult>;

export interface DeliverInput {
  event: CloudEvent;
  /**
   * Where to send: a resolution, or a function asked again before every attempt (a subscriber that
   * did not resolve yet, after a restart, may resolve by the next retry).
   */
  subscriber: SinkResolution | (() => SinkResolution);
  /** Wakes this delivery's backoff when its subscriber took another delivery. */
  recovery?: DestinationRecovery;
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

const destinationOf = (s: SinkResolution) => "url" in s ? s.url : "(unresolved subscriber)";

/** A send whose 2xx answers that are not CloudEvents (nor empty) become 502s. */
function strictSend(send: SendFn, url: string, event: CloudEvent, format: DeliveryPolicy["format"]) {
  return async ({ signal }: { signal: AbortSignal }): Promise<SendResult> => {
    const result = await send(url, event, { signal, format });
    if (result.replyError === undefined) return result;
    return { status: BAD_GATEWAY, body: new TextEncoder().encode(result.replyError) };
  };
}

export async function deliverEvent(input: DeliverInput): Promise<DeliveryOutcome> {
  const { event, policy, clock, send, recovery } = input;
  const resolve = typeof input.subscriber === "function"
    ? input.subscriber
    : () => input.subscriber as SinkResolution;
  let subscriber = resolve();
  let first = true;
  const loop = await retryLoop({
    policy,
    clock,
    send: (context) => {
      if (!first) subscriber = resolve();
      first = false;
      return "url" in subscriber
        ? strictSend(send, subscriber.url, event, policy.format)(context)
        : Promise.reject(new Error(subscriber.error));
    },
    backoff: recovery && ((ms) => recovery.sleep(destinationOf(subscriber), ms)),
  });
  const destination = destinationOf(subscriber);
  if (loop.delivered) recovery?.delivered(destination);
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
