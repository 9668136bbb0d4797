import { deepStrictEqual as assertEquals, ok as assert, throws as assertThrows } from "node:assert/strict";
import { type AutoscalingSpec, resolveAutoscalingSpec, SCHEDULE_ANNOTATION } from "./autoscaling_spec.ts";
import {
  decideHpa,
  type HpaDecision,
  type HpaState,
  hpaTargetPerInstance,
  initialHpaState,
} from "./hpa_decider.ts";

const A = "autoscaling.knative.dev/";
/** Tuesday 2024-03-05 12:00:00 UTC. */
const T0 = Date.UTC(2024, 2, 5, 12, 0, 0);
const s = (seconds: number) => T0 + seconds * 1000;

function hpa(annotations: Record<string, string> = {}): AutoscalingSpec {
  return resolveAutoscalingSpec({
    annotations: { [`${A}class`]: "hpa.autoscaling.knative.dev", ...annotations },
  });
}

const settled: HpaState = { recommendations: [], initialized: true };

const ONE_TICK: {
  name: string;
  annotations?: Record<string, string>;
  ready: number;
  usage: number;
  recommendation: number;
}[] = [
  { name: "cpu at 150% of an 80% target asks for 1.5x", ready: 2, usage: 2.4, recommendation: 3 },
  { name: "cpu exactly at target keeps the count", ready: 2, usage: 1.6, recommendation: 2 },
  { name: "cpu within the 10% tolerance keeps the count", ready: 2, usage: 1.75, recommendation: 2 },
  { name: "cpu just outside the tolerance moves", ready: 2, usage: 1.78, recommendation: 3 },
  { name: "cpu well below target shrinks", ready: 4, usage: 0.8, recommendation: 1 },
  {
    name: "a cpu target of 50 means half a core per instance",
    annotations: { [`${A}target`]: "50" },
    ready: 1,
    usage: 2,
    recommendation: 4,
  },
  {
    name: "memory at 4x a 256 MiB target asks for 4x",
    annotations: { [`${A}metric`]: "memory", [`${A}target`]: "256" },
    ready: 2,
    usage: 2048,
    recommendation: 8,
  },
  {
    name: "memory below target shrinks",
    annotations: { [`${A}metric`]: "memory", [`${A}target`]: "256" },
    ready: 4,
    usage: 300,
    recommendation: 2,
  },
  { name: "no ready instance recommends one", ready: 0, usage: 0, recommendation: 1 },
];

for (const c of ONE_TICK) {
  Deno.test(`decideHpa() recommends ceil(usage / target per instance): ${c.name}`, () => {
    const d = decideHpa(settled, { readyInstances: c.ready, usage: c.usage }, hpa(c.annotations), T0);
    assertEquals(d.recommendation, c.recommendation);
  });
}

Deno.test("decideHpa() scales up at once on a first recommendation", () => {
  const d = decideHpa(settled, { readyInstances: 2, usage: 2.4 }, hpa(), T0);
  assertEquals(d.desired, 3);
  assert(
    d.reason.includes("cpu 2.40 cores over 2 ready = 150% of the target 0.80 cores per instance"),
    d.reason,
  );
});

Deno.test("decideHpa() never goes below one instance", () => {
  const d = decideHpa(settled, { readyInstances: 1, usage: 0 }, hpa(), T0);
  assertEquals([d.recommendation, d.desired], [0, 1]);
  assert(d.reason.includes("never scales below 1"), d.reason);
});

/** Runs ticks through the decider, carrying the state. */
function run(spec: AutoscalingSpec, ticks: [number, number, number][]): HpaDecision[] {
  let state: HpaState = settled;
  return ticks.map(([at, ready, usage]) => {
    const d = decideHpa(state, { readyInstances: ready, usage }, spec, s(at));
    state = d.state;
    return d;
  });
}

Deno.test("decideHpa() scales down only once the higher recommendation left the window", () => {
  const decisions = run(hpa(), [
    [0, 2, 3.2], // recommends 4
    [10, 4, 0.4], // recommends 1, held by the 4 at 0 s
    [58, 4, 0.4],
    [60, 4, 0.4], // the 4 from 0 s is no longer strictly inside the 60 s window
  ]);
  assertEquals(decisions.map((d) => d.desired), [4, 4, 4, 1]);
  assert(decisions[1].reason.includes("stabilization over 1m0s gives 4"), decisions[1].reason);
});

Deno.test("decideHpa() scales up only to the lowest recommendation of the window", () => {
  const decisions = run(hpa({ [`${A}window`]: "30s" }), [
    [0, 1, 0.8], // recommends 1
    [10, 1, 4], // recommends 5, held at 1 by the 1 at 0 s
    [20, 1, 2.4], // recommends 3
    [30, 1, 4], // the 1 expired: lowest left is 3
    [40, 3, 6], // the 5 and 3 are in the window; recommends 8
  ]);
  assertEquals(decisions.map((d) => d.desired), [1, 1, 1, 3, 3]);
});

Deno.test("decideHpa() applies min-scale, max-scale and the schedule floor", () => {
  const minScale = decideHpa(settled, { readyInstances: 1, usage: 0 }, hpa({ [`${A}min-scale`]: "2" }), T0);
  assertEquals(minScale.desired, 2);
  const maxScale = decideHpa(settled, { readyInstances: 2, usage: 16 }, hpa({ [`${A}max-scale`]: "5" }), T0);
  assertEquals(maxScale.desired, 5);
  const schedule = hpa({ [SCHEDULE_ANNOTATION]: '[{"start":"0 9 * * *","end":"0 17 * * *","minScale":3}]' });
  const floored = decideHpa(settled, { readyInstances: 1, usage: 0.8 }, schedule, T0);
  assertEquals([floored.desired, floored.scheduleFloor], [3, 3]);
});

Deno.test("decideHpa() holds initial-scale until it is first reached", () => {
  const spec = hpa({ [`${A}initial-scale`]: "3" });
  const first = decideHpa(initialHpaState(spec), { readyInstances: 0, usage: 0 }, spec, T0);
  assertEquals(first.desired, 3);
  const reached = decideHpa(first.state, { readyInstances: 3, usage: 0 }, spec, s(2));
  assertEquals(reached.state.initialized, true);
});

Deno.test("hpaTargetPerInstance() reads cpu targets as percent of a core and memory targets as MiB", () => {
  assertEquals(hpaTargetPerInstance(hpa()), 0.8);
  assertEquals(hpaTargetPerInstance(hpa({ [`${A}metric`]: "memory", [`${A}target`]: "512" })), 512);
});

Deno.test("decideHpa() refuses a kpa spec", () => {
  assertThrows(
    () => decideHpa(settled, { readyInstances: 1, usage: 0 }, resolveAutoscalingSpec({}), T0),
    TypeError,
  );
});
