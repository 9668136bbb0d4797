import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { nodeShare } from "./node_share.ts";
import { type AutoscalingSpec, parseAutoscalingSpec } from "./autoscaling_spec.ts";
import { DEFAULT_AUTOSCALER_DEFAULTS } from "./autoscaling_spec.ts";

function spec(annotations: Record<string, string>): AutoscalingSpec {
  const parsed = parseAutoscalingSpec({ annotations, containerConcurrency: 0 }, DEFAULT_AUTOSCALER_DEFAULTS);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.spec;
}

Deno.test("nodeShare() divides min-, max- and initial-scale over the ready nodes, rounding up", () => {
  const s = spec({
    "autoscaling.knative.dev/min-scale": "5",
    "autoscaling.knative.dev/max-scale": "10",
    "autoscaling.knative.dev/initial-scale": "2",
  });
  const three = nodeShare(s, 3);
  assertEquals([three.minScale, three.maxScale, three.initialScale], [2, 4, 1]);
  const two = nodeShare(s, 2);
  assertEquals([two.minScale, two.maxScale, two.initialScale], [3, 5, 1]);
});

Deno.test("nodeShare() leaves a single node, zero floors and unlimited max-scale as they are", () => {
  const s = spec({ "autoscaling.knative.dev/min-scale": "0" });
  assertEquals(nodeShare(s, 1), s);
  assertEquals(nodeShare(s, 3).minScale, 0);
  assertEquals(nodeShare(s, 3).maxScale, 0);
  assertEquals(nodeShare(spec({ "autoscaling.knative.dev/min-scale": "1" }), 3).minScale, 1);
});
