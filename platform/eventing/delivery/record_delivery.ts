/**
 * Delivers one event a source read (KafkaSource, the queue sources, RabbitMQ triggers) with the
 * broker's delivery code (`deliverEvent`: attempts, backoff, per-attempt timeout, dead-letter sink
 * with the `knativeerror*` extensions), and decides what that means for the record (its offset or
 * its acknowledgement):
 * - delivered, or dead-lettered: done, the offset may be committed;
 * - retries ran out and no dead-letter sink is configured: done as well (Knative drops the event,
 *   counted and logged), since the spec asked for nothing more;
 * - the sink (or the dead-letter sink) does not resolve, or the dead-letter sink failed too: the
 *   record is kept and tried again after a backoff, and the partition waits: nothing is skipped;
 * - the source stops meanwhile: abandoned, not committed, delivered again after the restart.
 * A 2xx answer counts as delivered whatever its body: a source has nowhere to send a reply.
 */
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import type { Clock } from "./clock.ts";
import type { DeliveryPolicy } from "./delivery_policy.ts";
import { deliverEvent, type DeliveryOutcome } from "../broker/deliver_event.ts";
import type { EventSender, SinkResolution } from "../event_sender.ts";

/** How one record ended: done (delivered or dead-lettered), or abandoned because the source stops. */
export type RecordResult = "done" | "abandoned";

/** Where a source's events go, resolved against the current store. */
export interface DeliveryTarget {
  sink: SinkResolution;
  policy: DeliveryPolicy;
  deadLetter?: SinkResolution;
}

export interface RecordDeliveryDeps {
  sender: Pick<EventSender, "send">;
  clock: Clock;
  /** Aborts when the source stops. */
  stop: AbortSignal;
  /** The current target (it changes when the sink appears, moves or goes). */
  target(): DeliveryTarget;
  /** Told of every outcome, and of each time a record is held back (with why). */
  onOutcome?(outcome: DeliveryOutcome, event: CloudEvent): void;
  onHeld?(event: CloudEvent, reason: string): void;
}

/** First wait before trying a held-back record again, and the longest, ms. */
export const HOLD_BACKOFF_MS = { first: 500, max: 10_000 };

export async function deliverRecord(event: CloudEvent, deps: RecordDeliveryDeps): Promise<RecordResult> {
  const clock = stoppableClock(deps.clock, deps.stop);
  let wait = HOLD_BACKOFF_MS.first;
  while (!deps.stop.aborted) {
    const target = deps.target();
    let held: string;
    if ("error" in target.sink) {
      held = `the sink does not resolve: ${target.sink.error}`;
    } else {
      const outcome = await deliverEvent({
        event,
        subscriber: target.sink,
        policy: target.policy,
        deadLetter: target.deadLetter,
        clock,
        send: (url, ev, opts) =>
          untilStopped(opts.signal, deps.stop, async (signal) => {
            const result = await deps.sender.send(url, ev, { ...opts, signal });
            return { status: result.status, body: result.body };
          }),
      });
      if (outcome.kind === "delivered" || outcome.kind === "dead-lettered") {
        deps.onOutcome?.(outcome, event);
        return "done";
      }
      if (deps.stop.aborted) return "abandoned";
      if (!target.policy.deadLetterSink) {
        deps.onOutcome?.(outcome, event);
        return "done";
      }
      held = outcome.reason;
    }
    deps.onHeld?.(event, held);
    await clock.sleep(wait);
    wait = Math.min(wait * 2, HOLD_BACKOFF_MS.max);
  }
  return "abandoned";
}

/**
 * A clock whose backoff sleeps (those without a signal of their own) end when the source stops, so
 * a stopping source does not wait them out. Sleeps with a signal are attempt timeouts: they end
 * with their attempt, which a stop does not cut short (no new attempt starts after it).
 */
function stoppableClock(clock: Clock, stop: AbortSignal): Clock {
  return {
    now: () => clock.now(),
    sleep: (ms, signal) => clock.sleep(ms, signal ?? stop),
  };
}

/**
 * Runs `run` with a signal that aborts with `signal` or `stop`. Listeners rather than
 * `AbortSignal.any`, which costs twice as much per event and keeps a reference on the long-lived
 * `stop` signal for every event until a garbage collection.
 */
async function untilStopped<T>(
  signal: AbortSignal,
  stop: AbortSignal,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const both = new AbortController();
  const abort = () => both.abort(stop.aborted ? stop.reason : signal.reason);
  if (signal.aborted || stop.aborted) abort();
  signal.addEventListener("abort", abort);
  stop.addEventListener("abort", abort);
  try {
    return await run(both.signal);
  } finally {
    signal.removeEventListener("abort", abort);
    stop.removeEventListener("abort", abort);
  }
}
