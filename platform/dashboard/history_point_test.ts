import assert from "node:assert/strict";
import { historyPoint, quantile } from "./history_point.ts";
import { parsePrometheusText } from "./prometheus_text.ts";

const lbl = 'namespace_name="default",revision_name="hello-00001"';

Deno.test("historyPoint() turns counter deltas into rates and bucket deltas into quantiles", () => {
  const prev = parsePrometheusText([
    `revision_request_count{${lbl},response_code="200",response_code_class="2xx"} 10`,
    `revision_request_latencies_bucket{${lbl},le="10"} 10`,
    `revision_request_latencies_bucket{${lbl},le="100"} 10`,
    `revision_request_latencies_bucket{${lbl},le="+Inf"} 10`,
    `denative_trigger_deliveries_total{namespace="default",broker="default",trigger="t",result="delivered"} 1`,
    `denative_trigger_delivery_attempts_total{namespace="default",broker="default",trigger="t"} 1`,
  ].join("\n"));
  const cur = parsePrometheusText([
    `revision_request_count{${lbl},response_code="200",response_code_class="2xx"} 30`,
    `revision_request_count{${lbl},response_code="503",response_code_class="5xx"} 2`,
    `revision_request_latencies_bucket{${lbl},le="10"} 20`,
    `revision_request_latencies_bucket{${lbl},le="100"} 32`,
    `revision_request_latencies_bucket{${lbl},le="+Inf"} 32`,
    `autoscaler_actual_pods{${lbl}} 2`,
    `autoscaler_desired_pods{${lbl}} 3`,
    `autoscaler_panic_mode{${lbl}} 1`,
    `denative_trigger_deliveries_total{namespace="default",broker="default",trigger="t",result="delivered"} 5`,
    `denative_trigger_delivery_attempts_total{namespace="default",broker="default",trigger="t"} 9`,
  ].join("\n"));
  const p = historyPoint(prev, cur, 2, 1000);
  const r = p.revisions["default/hello-00001"];
  assert.equal(r.rps2xx, 10);
  assert.equal(r.rps5xx, 1);
  assert.equal(r.actual, 2);
  assert.equal(r.desired, 3);
  assert.equal(r.panic, 1);
  assert.equal(r.p50, 10 + 90 * (1 / 12)); // rank 11 of 22: one into the (10, 100] bucket of 12
  assert.ok(r.p99! > 90 && r.p99! <= 100);
  const t = p.eventing["Trigger default/t"];
  assert.equal(t.delivered, 2);
  assert.equal(t.retried, 2); // 8 attempts for 4 deliveries over 2 s
});

Deno.test("quantile() has no answer without observations", () => {
  assert.equal(quantile([{ le: 10, count: 0 }, { le: Infinity, count: 0 }], 0.5), null);
});
