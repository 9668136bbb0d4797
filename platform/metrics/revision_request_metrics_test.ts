import assert from "node:assert/strict";
import { RevisionRequestMetrics } from "./revision_request_metrics.ts";
import type { RevisionRuntimeSpec } from "../supervisor/revision_runtime_spec.ts";

const spec = { namespace: "default", service: "hello", revision: "hello-00001" } as RevisionRuntimeSpec;
const done = (status: number, instance: number | undefined, waitMs = 0) => ({
  request: new Request("http://x/"),
  start: 0,
  waitMs,
  method: "GET",
  url: "http://x/",
  status,
  durationMs: 12,
  instance,
  coldStart: waitMs > 0,
  viaActivator: waitMs > 0,
});

Deno.test("RevisionRequestMetrics counts by response code under Knative's names and labels", () => {
  const m = new RevisionRequestMetrics();
  m.observe(spec, done(200, 1));
  m.observe(spec, done(200, 1, 5));
  m.observe(spec, done(503, undefined, 30));
  const text = m.render();
  const labels =
    'namespace_name="default",service_name="hello",configuration_name="hello",revision_name="hello-00001"';
  assert.ok(
    text.includes(`revision_request_count{${labels},response_code="200",response_code_class="2xx"} 2`),
  );
  assert.ok(
    text.includes(`revision_request_count{${labels},response_code="503",response_code_class="5xx"} 1`),
  );
  assert.ok(
    text.includes(`revision_app_request_count{${labels},response_code="200",response_code_class="2xx"} 2`),
  );
  assert.ok(!text.includes(`revision_app_request_count{${labels},response_code="503"`));
  assert.ok(
    text.includes(`activator_request_count{${labels},response_code="200",response_code_class="2xx"} 1`),
  );
  assert.ok(text.includes(`revision_request_latencies_count{${labels}} 3`));
  assert.ok(text.includes(`revision_request_latencies_bucket{${labels},le="20"} 3`));
});
