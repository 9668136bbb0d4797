import assert from "node:assert/strict";
import { activatorPath } from "./activator_path.ts";
import { resolveAutoscalingSpec } from "./autoscaling_spec.ts";
import { decide, type DeciderState, initialDeciderState } from "./decider.ts";
import { MetricWindow } from "./metric_window.ts";
import { FakeClock } from "../clock/fake_clock.ts";

const A = "autoscaling.knative.dev/";

/**
 * The autoscaler's loop in small, on a fake clock: concurrency recorded every second, a decision
 * every tick, and the activator's path as each decision has it.
 */
function run(annotations: Record<string, string>, containerConcurrency: number) {
  const spec = resolveAutoscalingSpec({ annotations, containerConcurrency });
  const clock = new FakeClock(0);
  const window = new MetricWindow(spec.stableWindowMs);
  let state: DeciderState = initialDeciderState(clock.now(), spec, 1);
  const path: boolean[] = [];
  return {
    spec,
    /** `seconds` of `concurrency` on `ready` instances; the path decided at each tick. */
    async load(seconds: number, concurrency: number, ready: number) {
      for (let i = 0; i < seconds; i++) {
        await clock.advance(1_000);
        window.record(clock.now(), concurrency);
        if (clock.now() % spec.tickIntervalMs !== 0) continue;
        const d = decide(
          state,
          { readyInstances: ready, ...window.averages(clock.now(), spec) },
          spec,
          clock.now(),
        );
        state = d.state;
        path.push(activatorPath(spec, d.excessBurstCapacity).inPath);
      }
      return path.at(-1);
    },
  };
}

Deno.test("the activator leaves the path once the ready instances leave room for a burst, and comes back", async () => {
  // containerConcurrency 10: each instance takes 10; a burst of 10 more must fit.
  const r = run({ [`${A}target-burst-capacity`]: "10" }, 10);
  assert.equal(r.spec.totalValue, 10);
  // 2 ready × 10 − 10 − 5 in flight = 5 ≥ 0: out of the path.
  assert.equal(await r.load(10, 5, 2), false);
  // 14 in flight: 20 − 10 − 14 < 0 once the panic window sees it: in the path.
  assert.equal(await r.load(10, 14, 2), true);
  // A third instance: 30 − 10 − 14 = 6 ≥ 0: out again.
  assert.equal(await r.load(10, 14, 3), false);
});

Deno.test("target-burst-capacity -1 keeps the activator in the path, 0 keeps it out (but at zero)", async () => {
  assert.equal(await run({ [`${A}target-burst-capacity`]: "-1" }, 10).load(10, 0, 50), true);
  assert.equal(await run({ [`${A}target-burst-capacity`]: "0" }, 10).load(10, 500, 1), false);
});

Deno.test("Knative's defaults (211, 100 per instance) keep it in the path until three instances are ready", async () => {
  assert.equal(await run({}, 0).load(10, 1, 2), true);
  assert.equal(await run({}, 0).load(10, 1, 3), false);
});

Deno.test("the hpa class has no burst capacity: the activator is in the path only at zero", () => {
  const spec = resolveAutoscalingSpec({
    annotations: { [`${A}class`]: "hpa.autoscaling.knative.dev", [`${A}metric`]: "cpu" },
    containerConcurrency: 0,
  });
  assert.equal(activatorPath(spec, -100).inPath, false);
});
