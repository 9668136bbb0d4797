import assert from "node:assert/strict";
import type { ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { BoundedSpanProcessor } from "./bounded_span_processor.ts";

/** An exporter that answers as told: success, or failure (an endpoint that is down). */
class ScriptedExporter implements SpanExporter {
  batches: number[] = [];
  constructor(private readonly ok: boolean) {}
  export(spans: ReadableSpan[], done: (r: ExportResult) => void) {
    this.batches.push(spans.length);
    done({ code: this.ok ? 0 : 1 });
  }
  shutdown() {
    return Promise.resolve();
  }
}

function span(sampled = true): ReadableSpan {
  return { spanContext: () => ({ traceId: "a", spanId: "b", traceFlags: sampled ? 1 : 0 }) } as ReadableSpan;
}

Deno.test("BoundedSpanProcessor drops and counts spans beyond its queue, and skips unsampled ones", async () => {
  const exporter = new ScriptedExporter(true);
  const p = new BoundedSpanProcessor(exporter, 3, 60_000, 2);
  for (let i = 0; i < 5; i++) p.onEnd(span());
  p.onEnd(span(false));
  await p.forceFlush();
  assert.deepEqual(exporter.batches, [2, 1]);
  assert.deepEqual(p.counts, { exported: 3, dropped: 2, failed: 0 });
  await p.shutdown();
});

Deno.test("BoundedSpanProcessor counts the spans of a failed export", async () => {
  const p = new BoundedSpanProcessor(new ScriptedExporter(false), 10, 60_000);
  p.onEnd(span());
  p.onEnd(span());
  await p.forceFlush();
  assert.deepEqual(p.counts, { exported: 0, dropped: 0, failed: 2 });
  await p.shutdown();
});
