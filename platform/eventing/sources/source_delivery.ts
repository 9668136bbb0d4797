/**
 * How sources hand an event to their sink: resolve the sink now (it may have appeared or moved),
 * then send in binary mode with a few quick retries on retryable failures, as Knative's adapters
 * do (5 retries, exponential backoff from 50 ms). The outcome is returned for logging and status.
 */
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import type { Clock } from "../delivery/clock.ts";
import { attemptResultOf, retryLoop } from "../delivery/retry_loop.ts";
import type { Destination } from "../delivery/delivery_spec.ts";
import type { EventSender, SendResult } from "../event_sender.ts";

export const SOURCE_DELIVERY_POLICY = {
  attempts: 6,
  backoffPolicy: "exponential" as const,
  backoffDelayMs: 50,
  /** A Service at zero cold-starts within this. */
  timeoutMs: 60_000,
};

export type SourceDelivery =
  | { delivered: true; url: string; status: number; attempts: number }
  | { delivered: false; url?: string; reason: string; attempts: number };

export async function deliverFromSource(
  sender: EventSender,
  clock: Clock,
  sink: Destination,
  namespace: string,
  event: CloudEvent,
  /** Ends the delivery early (the node is stopping). */
  stop?: AbortSignal,
): Promise<SourceDelivery> {
  const resolved = sender.resolveSink(sink, namespace);
  if ("error" in resolved) return { delivered: false, reason: resolved.error, attempts: 0 };
  const url = resolved.url;
  const result = await retryLoop<SendResult>({
    policy: SOURCE_DELIVERY_POLICY,
    clock,
    send: ({ signal }) =>
      sender.send(url, event, { signal: stop ? AbortSignal.any([stop, signal]) : signal }),
  });
  if (result.delivered) {
    const status = result.outcome.kind === "response" ? result.outcome.response.status : 200;
    return { delivered: true, url, status, attempts: result.attempts };
  }
  const last = attemptResultOf(result.outcome);
  const reason = typeof last === "number"
    ? `the sink answered ${last}`
    : last === "timeout"
    ? "the sink did not answer in time"
    : `the sink could not be reached: ${errorText(result.outcome)}`;
  return { delivered: false, url, reason, attempts: result.attempts };
}

function errorText(outcome: { kind: string; error?: unknown }): string {
  const err = outcome.error;
  return err instanceof Error ? err.message : String(err);
}
