/**
 * After a request is over, the supervisor says how it went: which instance served it, how long it
 * was held by the activator and whether that was a cold start. That becomes attributes of its
 * handling span and, when it waited, an `activator wait` child span over the wait, with an
 * `instance start` span inside it on a cold start (made after the fact with their real times).
 */
import type { RequestDone } from "../supervisor/pool_types.ts";
import { spanOf } from "./request_spans.ts";
import { SpanKind, type Tracing } from "./tracing.ts";

export function traceRequestDone(tracing: Tracing, revision: string, done: RequestDone) {
  const handling = spanOf(done.request);
  if (!handling) return;
  if (done.instance !== undefined) handling.setAttribute("denative.instance", done.instance);
  handling.setAttribute("denative.cold_start", done.coldStart);
  if (done.waitMs <= 0) return;
  const wait = tracing.start(
    done.coldStart ? "activator wait (cold start)" : "activator wait",
    handling,
    SpanKind.INTERNAL,
    { "knative.revision": revision, "denative.cold_start": done.coldStart },
    done.start,
  );
  const readyAt = done.start + done.waitMs;
  // A cold start: the instance that took the request started during the wait.
  if (done.coldStart && done.instanceStartedAt !== undefined && done.instanceStartedAt < readyAt) {
    tracing.start("instance start", wait, SpanKind.INTERNAL, {
      "knative.revision": revision,
      "denative.instance": done.instance ?? -1,
    }, done.instanceStartedAt).end(readyAt);
  }
  wait.end(readyAt);
}
