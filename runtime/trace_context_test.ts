import assert from "node:assert/strict";
import { currentTrace, runWithTrace, traceHeadersOf } from "./trace_context.ts";

Deno.test("traceHeadersOf() keeps W3C and B3 headers only", () => {
  assert.deepEqual(
    traceHeadersOf([["content-type", "text/plain"], ["traceparent", "00-a-b-01"], ["x-b3-traceid", "a"]]),
    { traceparent: "00-a-b-01", "x-b3-traceid": "a" },
  );
  assert.equal(traceHeadersOf([["accept", "*/*"]]), undefined);
});

Deno.test("runWithTrace() makes the headers current across awaits, and only inside", async () => {
  const seen = await runWithTrace({ traceparent: "t1" }, async () => {
    await new Promise((r) => setTimeout(r, 1));
    await fetch("data:,x").then((r) => r.text());
    return currentTrace();
  });
  assert.deepEqual(seen, { traceparent: "t1" });
  assert.equal(currentTrace(), undefined);
});
