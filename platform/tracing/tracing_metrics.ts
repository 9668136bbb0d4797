/** Prometheus series of the span exporter: exported, dropped (queue full) and failed (endpoint down). */
import type { Tracing } from "./tracing.ts";

export function renderTracingMetrics(tracing: Tracing): string {
  if (!tracing.enabled) return "";
  const { exported, dropped, failed } = tracing.counts;
  return [
    "# HELP denative_trace_spans_total Finished spans by what became of them (exported, dropped: queue full, failed: export failed)",
    "# TYPE denative_trace_spans_total counter",
    `denative_trace_spans_total{result="exported"} ${exported}`,
    `denative_trace_spans_total{result="dropped"} ${dropped}`,
    `denative_trace_spans_total{result="failed"} ${failed}`,
    "",
  ].join("\n");
}
