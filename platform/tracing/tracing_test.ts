import assert from "node:assert/strict";
import { TRACING_DEFAULTS } from "../config.ts";
import { SpanKind, Tracing } from "./tracing.ts";

const config = {
  ...TRACING_DEFAULTS,
  backend: "zipkin" as const,
  zipkinEndpoint: "http://127.0.0.1:9/api/v2/spans",
};

Deno.test("Tracing continues a W3C or a B3 caller's trace and writes both header sets", async () => {
  const tracing = new Tracing({ ...config, sampleRate: 0 });
  try {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const w3c = tracing.start(
      "in",
      tracing.extract(new Headers({ traceparent: `00-${traceId}-00f067aa0ba902b7-01` })),
      SpanKind.SERVER,
    );
    assert.equal(w3c.spanContext().traceId, traceId);
    assert.equal(w3c.spanContext().traceFlags & 1, 1, "the caller's sampled flag wins over the rate");
    const headers = tracing.headersFor(w3c);
    assert.match(headers.traceparent, new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    assert.equal(headers["x-b3-traceid"], traceId);
    w3c.end();

    const b3 = tracing.start(
      "in",
      tracing.extract({ "x-b3-traceid": traceId, "x-b3-spanid": "00f067aa0ba902b7", "x-b3-sampled": "1" }),
    );
    assert.equal(b3.spanContext().traceId, traceId);
    b3.end();

    const fresh = tracing.start("in", tracing.extract({}));
    assert.equal(fresh.spanContext().traceFlags & 1, 0, "rate 0 records no new trace");
    fresh.end();
  } finally {
    await tracing.shutdown();
  }
});

Deno.test("Tracing with the backend none makes nothing", async () => {
  const tracing = new Tracing(TRACING_DEFAULTS);
  assert.equal(tracing.enabled, false);
  assert.deepEqual(tracing.counts, { exported: 0, dropped: 0, failed: 0 });
  await tracing.shutdown();
});
