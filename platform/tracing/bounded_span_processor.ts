/**
 * Batches finished spans to an exporter without ever holding up a request: spans wait in a bounded
 * queue (beyond it they are dropped and counted), one export runs at a time every `intervalMs`, and
 * an export that fails (the endpoint is down) loses its batch and is counted too. OpenTelemetry's
 * BatchSpanProcessor drops silently; the platform must report drops on /metrics.
 */
import type { Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";

export interface SpanCounts {
  exported: number;
  /** Dropped because the queue was full. */
  dropped: number;
  /** Lost because their export failed. */
  failed: number;
}

export class BoundedSpanProcessor implements SpanProcessor {
  readonly counts: SpanCounts = { exported: 0, dropped: 0, failed: 0 };
  #queue: ReadableSpan[] = [];
  #exporting: Promise<void> | null = null;
  #timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly exporter: SpanExporter,
    private readonly maxQueued: number,
    intervalMs: number,
    private readonly maxBatch = 512,
  ) {
    this.#timer = setInterval(() => this.#exportSome(), intervalMs);
    Deno.unrefTimer(this.#timer as unknown as number);
  }

  onStart(_span: Span, _parent: Context) {}

  onEnd(span: ReadableSpan) {
    if ((span.spanContext().traceFlags & 1) === 0) return;
    if (this.#queue.length >= this.maxQueued) {
      this.counts.dropped++;
      return;
    }
    this.#queue.push(span);
  }

  async forceFlush(): Promise<void> {
    while (this.#queue.length > 0 || this.#exporting) {
      await (this.#exporting ?? this.#exportSome());
    }
  }

  async shutdown(): Promise<void> {
    clearInterval(this.#timer);
    await Promise.race([this.forceFlush(), new Promise((r) => setTimeout(r, 2000))]);
    await this.exporter.shutdown();
  }

  #exportSome(): Promise<void> {
    if (this.#exporting || this.#queue.length === 0) return this.#exporting ?? Promise.resolve();
    const batch = this.#queue.splice(0, this.maxBatch);
    this.#exporting = new Promise<void>((resolve) => {
      this.exporter.export(batch, (result) => {
        if (result.code === 0) this.counts.exported += batch.length;
        else this.counts.failed += batch.length;
        resolve();
      });
    }).finally(() => (this.#exporting = null));
    return this.#exporting;
  }
}
