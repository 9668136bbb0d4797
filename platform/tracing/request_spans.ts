/**
 * Which span a request travels under, for code that sees the request but not the tracer's call
 * chain: the supervisor reports how long a request waited for an instance after the fact, and its
 * wait becomes a child span of the request's handling span (see activator_spans.ts).
 */
import type { Span } from "@opentelemetry/api";

const spans = new WeakMap<Request, Span>();

export function markTraced(request: Request, span: Span) {
  spans.set(request, span);
}

export function spanOf(request: Request): Span | undefined {
  return spans.get(request);
}

/** The trace id of the request's span, if the trace is recorded (sampled). */
export function sampledTraceId(request: Request): string | undefined {
  const ctx = spans.get(request)?.spanContext();
  return ctx && (ctx.traceFlags & 1) === 1 ? ctx.traceId : undefined;
}
