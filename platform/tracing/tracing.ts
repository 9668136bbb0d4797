/**
 * Distributed tracing as Knative's config-tracing sets it up: OpenTelemetry spans, W3C `traceparent`
 * and B3 headers read on the way in and written on the way out, a parent-based ratio sampler, and
 * Zipkin v2 JSON export in batches. With the backend `none` nothing is made at all (`enabled` is
 * false and callers skip their tracing code).
 */
import { type Context, context, ROOT_CONTEXT, type Span, SpanKind, trace } from "@opentelemetry/api";
import { CompositePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { B3InjectEncoding, B3Propagator } from "@opentelemetry/propagator-b3";
import {
  BasicTracerProvider,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";
import { ZipkinExporter } from "@opentelemetry/exporter-zipkin";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { TracingConfig } from "../config.ts";
import { BoundedSpanProcessor, type SpanCounts } from "./bounded_span_processor.ts";

export { SpanKind };
export type { Context, Span };

type Carrier = Record<string, string>;

/** Trace headers a Request or a CloudEvent can carry, read the same way. */
const getter = {
  get: (c: Headers | Carrier, key: string) => c instanceof Headers ? c.get(key) ?? undefined : c[key],
  keys: (c: Headers | Carrier) => c instanceof Headers ? [...c.keys()] : Object.keys(c),
};

export class Tracing {
  readonly #provider?: BasicTracerProvider;
  readonly #processor?: BoundedSpanProcessor;
  readonly #propagator = new CompositePropagator({
    propagators: [
      new W3CTraceContextPropagator(),
      new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
    ],
  });

  constructor(readonly config: TracingConfig, serviceName = "denative") {
    if (config.backend === "none") return;
    const exporter = new ZipkinExporter({ url: config.zipkinEndpoint, serviceName });
    this.#processor = new BoundedSpanProcessor(exporter, config.maxQueuedSpans, config.exportIntervalMs);
    this.#provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ "service.name": serviceName }),
      sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRate) }),
      spanProcessors: [this.#processor],
    });
  }

  get enabled(): boolean {
    return this.#provider !== undefined;
  }

  get counts(): SpanCounts {
    return this.#processor?.counts ?? { exported: 0, dropped: 0, failed: 0 };
  }

  /** The trace context a request's (or an event's) headers carry: W3C traceparent, else B3. */
  extract(headers: Headers | Carrier): Context {
    return this.#propagator.extract(ROOT_CONTEXT, headers, getter);
  }

  /** Starts a span under `parent` (a context, or a span). */
  start(
    name: string,
    parent: Context | Span,
    kind: SpanKind = SpanKind.INTERNAL,
    attributes = {},
    /** Epoch ms, for a span made after the fact. */
    startTime?: number,
  ): Span {
    const ctx = "spanContext" in parent ? trace.setSpan(ROOT_CONTEXT, parent) : parent;
    return this.#provider!.getTracer("denative").startSpan(name, { kind, attributes, startTime }, ctx);
  }

  /** The headers (`traceparent`, `x-b3-*`) that make `span` the parent of what the receiver does. */
  headersFor(span: Span): Carrier {
    const out: Carrier = {};
    this.#propagator.inject(trace.setSpan(context.active(), span), out, {
      set: (c, k, v) => (c[k] = v),
    });
    return out;
  }

  async shutdown() {
    await this.#provider?.shutdown();
  }
}

/** The trace id of a span, for log lines and the dashboard's trace links. */
export function traceIdOf(span: Span): string {
  return span.spanContext().traceId;
}
