import { deepStrictEqual as assertEquals, ok as assert, throws as assertThrows } from "node:assert/strict";
import {
  type AutoscalerDefaults,
  type AutoscalingSpec,
  DEFAULT_AUTOSCALER_DEFAULTS,
  resolveAutoscalingSpec,
  SCHEDULE_ANNOTATION,
} from "./autoscaling_spec.ts";
import {
  decide,
  type DeciderMetrics,
  type DeciderState,
  type Decision,
  initialDeciderState,
} from "./decider.ts";
import { MetricWindow } from "./metric_window.ts";

const A = "autoscaling.knative.dev/";
/** Tuesday 2024-03-05 12:00:00 UTC (20:00 in Shanghai). */
const T0 = Date.UTC(2024, 2, 5, 12, 0, 0);
const s = (seconds: number) => T0 + seconds * 1000;

function kpa(
  annotations: Record<string, string> = {},
  containerConcurrency = 0,
  defaults?: AutoscalerDefaults,
) {
  return resolveAutoscalingSpec({ annotations, containerConcurrency }, defaults);
}

/** A revision that has been active and initialized for an hour, not panicking. */
function steady(): DeciderState {
  return {
    panicTime: null,
    maxPanicInstances: 0,
    delayWindow: [],
    phase: "active",
    phaseSince: T0 - 3_600_000,
    initialized: true,
  };
}

function metrics(readyInstances: number, stableValue: number, panicValue = stableValue): DeciderMetrics {
  return { readyInstances, stableValue, panicValue };
}

/** A fake clock: feeds one decision after another, carrying the state. */
class Clock {
  state: DeciderState;
  readonly log: { at: number; decision: Decision }[] = [];
  constructor(readonly spec: AutoscalingSpec, state?: DeciderState) {
    this.state = state ?? steady();
  }
  tick(atSeconds: number, m: DeciderMetrics): Decision {
    const decision = decide(this.state, m, this.spec, s(atSeconds));
    this.state = decision.state;
    this.log.push({ at: atSeconds, decision });
    return decision;
  }
  /** The first tick (in seconds) at which `predicate` held. */
  firstAt(predicate: (d: Decision) => boolean): number | undefined {
    return this.log.find((entry) => predicate(entry.decision))?.at;
  }
}

// ---------------------------------------------------------------- formulas

const FORMULAS: {
  name: string;
  annotations?: Record<string, string>;
  cc?: number;
  ready: number;
  stable: number;
  panic?: number;
  desired: number;
  rawStable: number;
}[] = [
  { name: "140 concurrent at the default target 70 need 2", ready: 2, stable: 140, desired: 2, rawStable: 2 },
  { name: "141 concurrent round up to 3", ready: 2, stable: 141, desired: 3, rawStable: 3 },
  {
    name: "containerConcurrency 10 aims at 7 per instance",
    cc: 10,
    ready: 3,
    stable: 20,
    desired: 3,
    rawStable: 3,
  },
  {
    name: "rps aims at 140 per instance",
    annotations: { [`${A}metric`]: "rps" },
    ready: 3,
    stable: 300,
    desired: 3,
    rawStable: 3,
  },
  {
    name: "a target of 10 at 100% utilization aims at 10",
    annotations: { [`${A}target`]: "10", [`${A}target-utilization-percentage`]: "100" },
    ready: 4,
    stable: 35,
    desired: 4,
    rawStable: 4,
  },
  {
    name: "the stable average decides outside panic even when the panic one is low",
    cc: 10,
    ready: 5,
    stable: 300,
    panic: 10,
    desired: 43,
    rawStable: 43,
  },
];

for (const c of FORMULAS) {
  Deno.test(`decide() computes desiredStable = ceil(stable / target): ${c.name}`, () => {
    const spec = kpa(c.annotations, c.cc ?? 0);
    const decision = decide(steady(), metrics(c.ready, c.stable, c.panic ?? c.stable), spec, T0);
    assertEquals(decision.detail.rawStable, c.rawStable);
    assertEquals(decision.desired, c.desired);
    assertEquals(decision.panicking, false);
  });
}

Deno.test("decide() explains the stable computation in its reason", () => {
  const decision = decide(steady(), metrics(2, 140), kpa(), T0);
  assert(
    decision.reason.startsWith("2 (2 ready): stable concurrency 140 over 1m0s / target 70 = 2"),
    decision.reason,
  );
});

// ---------------------------------------------------------------- rate clamps

const CLAMPS: {
  name: string;
  defaults?: Partial<AutoscalerDefaults>;
  ready: number;
  stable: number;
  reachable?: boolean;
  reactive: number;
  note: string;
}[] = [
  {
    name: "scale down at most halves the ready count",
    ready: 8,
    stable: 7,
    reactive: 4,
    note: "max-scale-down-rate",
  },
  {
    name: "max-scale-down-rate 4 allows a quarter",
    defaults: { maxScaleDownRate: 4 },
    ready: 8,
    stable: 7,
    reactive: 2,
    note: "max-scale-down-rate",
  },
  {
    name: "scale up is at most 1000 x max(1, ready)",
    ready: 0,
    stable: 35_000,
    reactive: 1000,
    note: "max-scale-up-rate",
  },
  {
    name: "a slow max-scale-up-rate still grows by at least one",
    defaults: { maxScaleUpRate: 1.1 },
    ready: 2,
    stable: 70,
    reactive: 3,
    note: "max-scale-up-rate",
  },
  {
    name: "an unreachable revision may drop below half at once",
    ready: 8,
    stable: 0,
    reachable: false,
    reactive: 0,
    note: "",
  },
];

for (const c of CLAMPS) {
  Deno.test(`decide() clamps to [floor(ready / down rate), ceil(up rate x ready)]: ${c.name}`, () => {
    const spec = kpa({}, 10, { ...DEFAULT_AUTOSCALER_DEFAULTS, ...c.defaults });
    const decision = decide(
      steady(),
      { ...metrics(c.ready, c.stable, 0), reachable: c.reachable ?? true },
      spec,
      T0,
    );
    assertEquals(decision.detail.reactive, c.reactive);
    if (c.note) assert(decision.reason.includes(c.note), decision.reason);
  });
}

// ---------------------------------------------------------------- panic

Deno.test("decide() enters panic when panic demand doubles the ready count", () => {
  const decision = decide(steady(), metrics(2, 7, 28), kpa({}, 10), T0);
  assertEquals([decision.panicking, decision.desired, decision.detail.rawPanic], [true, 4, 4]);
  assert(decision.reason.includes("entering panic"), decision.reason);
  assertEquals(decision.state.panicTime, T0);
});

Deno.test("decide() stays out of panic just below the threshold", () => {
  const decision = decide(steady(), metrics(2, 7, 21), kpa({}, 10), T0);
  assertEquals([decision.panicking, decision.desired], [false, 1]);
});

Deno.test("decide() honours panic-threshold-percentage", () => {
  const spec = kpa({ [`${A}panic-threshold-percentage`]: "150" }, 10);
  const decision = decide(steady(), metrics(2, 7, 21), spec, T0);
  assertEquals([decision.panicking, decision.desired], [true, 3]);
});

Deno.test("decide() never scales down in panic and leaves it a full stable window after the last tick over", () => {
  const clock = new Clock(kpa({}, 10));
  assertEquals(clock.tick(0, metrics(2, 7, 28)).desired, 4);
  for (let t = 2; t <= 60; t += 2) {
    const d = clock.tick(t, metrics(4, 7, 7));
    assertEquals([d.panicking, d.desired], [true, 4], `at ${t}s`);
  }
  const after = clock.tick(62, metrics(4, 7, 7));
  assertEquals([after.panicking, after.desired], [false, 2]);
  assert(after.reason.includes("leaving panic"), after.reason);
});

Deno.test("decide() extends panic with every tick over the threshold", () => {
  const clock = new Clock(kpa({}, 10));
  clock.tick(0, metrics(2, 7, 28));
  clock.tick(30, metrics(4, 7, 56));
  for (let t = 32; t <= 90; t += 2) assertEquals(clock.tick(t, metrics(8, 7, 7)).panicking, true, `at ${t}s`);
  assertEquals(clock.tick(92, metrics(8, 7, 7)).panicking, false);
});

Deno.test("decide() in panic takes max(stable, panic) and only goes up", () => {
  const clock = new Clock(kpa({}, 10));
  assertEquals(clock.tick(0, metrics(2, 7, 28)).desired, 4);
  assertEquals(clock.tick(2, metrics(4, 70, 56)).desired, 10);
  const lower = clock.tick(4, metrics(10, 14, 35));
  assertEquals(lower.desired, 10);
  assert(lower.reason.includes("not scaling down from 10"), lower.reason);
});

Deno.test("initialDeciderState() starts in panic holding the ready count when more than one is ready", () => {
  const spec = kpa({}, 10);
  const clock = new Clock(spec, initialDeciderState(s(0), spec, 3));
  const first = clock.tick(2, metrics(3, 0, 0));
  assertEquals([first.panicking, first.desired], [true, 3]);
  assertEquals(clock.tick(60, metrics(3, 0, 0)).desired, 3);
  const out = clock.tick(62, metrics(3, 0, 0));
  assertEquals([out.panicking, out.desired], [false, 1]);
  assertEquals(initialDeciderState(s(0), spec, 1).panicTime, null);
});

// ---------------------------------------------------------------- scale-down delay

Deno.test("decide() with scale-down-delay keeps the trailing maximum for exactly the delay", () => {
  const clock = new Clock(kpa({ [`${A}scale-down-delay`]: "10s" }, 10));
  assertEquals(clock.tick(0, metrics(5, 35, 35)).desired, 5);
  for (let t = 2; t <= 8; t += 2) {
    const d = clock.tick(t, metrics(5, 0, 0));
    assertEquals(d.desired, 5, `at ${t}s`);
    assert(d.reason.includes("scale-down-delay 10s keeps 5 instead of 2"), d.reason);
  }
  assertEquals(clock.tick(10, metrics(5, 0, 0)).desired, 2);
});

Deno.test("decide() with scale-down-delay scales up at once", () => {
  const clock = new Clock(kpa({ [`${A}scale-down-delay`]: "30s" }, 10));
  clock.tick(0, metrics(2, 14, 14));
  assertEquals(clock.tick(2, metrics(2, 28, 20)).desired, 4);
});

Deno.test("decide() ignores scale-down-delay for an unreachable revision", () => {
  const clock = new Clock(kpa({ [`${A}scale-down-delay`]: "30s" }, 10));
  clock.tick(0, metrics(4, 28, 28));
  assertEquals(clock.tick(2, { ...metrics(4, 14, 14), reachable: false }).detail.reactive, 2);
});

// ---------------------------------------------------------------- bounds

Deno.test("decide() raises the decision to min-scale", () => {
  const d = decide(steady(), metrics(3, 0, 0), kpa({ [`${A}min-scale`]: "3" }, 10), T0);
  assertEquals([d.detail.reactive, d.desired, d.phase], [1, 3, "active"]);
  assert(d.reason.includes("min-scale 3 raises 1 to 3"), d.reason);
});

Deno.test("decide() caps the decision at max-scale", () => {
  const d = decide(steady(), metrics(4, 700, 70), kpa({ [`${A}max-scale`]: "4" }, 10), T0);
  assertEquals([d.detail.reactive, d.desired], [100, 4]);
  assert(d.reason.includes("max-scale 4 caps 100"), d.reason);
});

Deno.test("decide() keeps initial-scale until it is first reached", () => {
  const spec = kpa({ [`${A}initial-scale`]: "5" }, 10);
  const clock = new Clock(spec, initialDeciderState(s(0), spec, 0));
  const first = clock.tick(0, metrics(0, 0, 0));
  assertEquals(first.desired, 5);
  assert(first.reason.includes("initial-scale 5"), first.reason);
  assertEquals(clock.tick(2, metrics(3, 0, 0)).desired, 5);
  assertEquals(clock.tick(4, metrics(5, 0, 0)).desired, 2);
  assertEquals(clock.tick(6, metrics(2, 0, 0)).desired, 1);
});

Deno.test("decide() starts a revision with initial-scale 0 at zero", () => {
  const spec = kpa({ [`${A}initial-scale`]: "0" }, 10, {
    ...DEFAULT_AUTOSCALER_DEFAULTS,
    allowZeroInitialScale: true,
  });
  const clock = new Clock(spec, initialDeciderState(s(0), spec, 0));
  const d = clock.tick(0, metrics(0, 0, 0));
  assertEquals([d.desired, d.phase], [0, "zero"]);
});

Deno.test("decide() ignores min-scale and retention for an unreachable revision", () => {
  const spec = kpa({ [`${A}min-scale`]: "3", [`${A}scale-to-zero-pod-retention-period`]: "10m" }, 10);
  const clock = new Clock(spec);
  for (let t = 0; t <= 40; t += 2) clock.tick(t, { ...metrics(1, 0, 0), reachable: false });
  assertEquals(clock.firstAt((d) => d.phase === "inactive"), 0);
  assertEquals(clock.firstAt((d) => d.desired === 0), 30);
});

// ---------------------------------------------------------------- activation scale

Deno.test("decide() wakes a revision at zero straight to activation-scale", () => {
  const spec = kpa({ [`${A}activation-scale`]: "3" }, 10);
  const zero: DeciderState = { ...steady(), phase: "zero", phaseSince: s(-100) };
  const d = decide(zero, metrics(0, 0.05, 1), spec, T0);
  assertEquals([d.desired, d.phase, d.state.phaseSince], [3, "active", T0]);
  assert(d.reason.includes("raised to activation-scale 3"), d.reason);
  assert(d.reason.includes("waking from zero"), d.reason);
});

Deno.test("decide() does not apply activation-scale without traffic", () => {
  const spec = kpa({ [`${A}activation-scale`]: "3" }, 10);
  const zero: DeciderState = { ...steady(), phase: "zero", phaseSince: s(-100) };
  assertEquals(decide(zero, metrics(0, 0, 0), spec, T0).desired, 0);
});

Deno.test("decide() without activation-scale wakes a revision at zero with one instance", () => {
  const zero: DeciderState = { ...steady(), phase: "zero", phaseSince: s(-100) };
  const d = decide(zero, metrics(0, 0.05, 1), kpa({}, 10), T0);
  assertEquals([d.desired, d.phase, d.panicking], [1, "active", false]);
});

// ---------------------------------------------------------------- scale to zero

const TO_ZERO: {
  name: string;
  annotations?: Record<string, string>;
  defaults?: Partial<AutoscalerDefaults>;
  inactiveAt: number;
  zeroAt: number;
}[] = [
  { name: "by default: a stable window (60 s) then the grace period (30 s)", inactiveAt: 60, zeroAt: 90 },
  {
    name: "a retention period longer than the grace period replaces it",
    annotations: { [`${A}scale-to-zero-pod-retention-period`]: "2m" },
    inactiveAt: 60,
    zeroAt: 180,
  },
  {
    name: "a retention period shorter than the grace period changes nothing",
    annotations: { [`${A}scale-to-zero-pod-retention-period`]: "10s" },
    inactiveAt: 60,
    zeroAt: 90,
  },
  {
    name: "a cluster grace period of 10 s",
    defaults: { scaleToZeroGracePeriodMs: 10_000 },
    inactiveAt: 60,
    zeroAt: 70,
  },
  { name: "a 30 s window", annotations: { [`${A}window`]: "30s" }, inactiveAt: 30, zeroAt: 60 },
];

for (const c of TO_ZERO) {
  Deno.test(`decide() scales an idle new revision to zero exactly on time: ${c.name}`, () => {
    const spec = kpa(c.annotations, 0, { ...DEFAULT_AUTOSCALER_DEFAULTS, ...c.defaults });
    const clock = new Clock(spec, initialDeciderState(s(0), spec, 1));
    for (let t = 0; t <= c.zeroAt + 20; t += 2) {
      clock.tick(t, metrics(clock.state.phase === "zero" ? 0 : 1, 0, 0));
    }
    assertEquals(clock.firstAt((d) => d.phase === "inactive"), c.inactiveAt);
    assertEquals(clock.firstAt((d) => d.desired === 0), c.zeroAt);
    for (const { at, decision } of clock.log) {
      assertEquals(decision.desired, at < c.zeroAt ? 1 : 0, `at ${at}s`);
    }
  });
}

Deno.test("decide() reaches zero 90 s after the last second with traffic, measured through the metric window", () => {
  const spec = kpa();
  const window = new MetricWindow(spec.stableWindowMs);
  const clock = new Clock(spec, initialDeciderState(s(0), spec, 1));
  for (let t = 0; t <= 120; t++) {
    window.record(s(t), t < 10 ? 1 : 0); // one request in flight during the first 10 s
    if (t % 2 === 0) {
      const ready = clock.state.phase === "zero" ? 0 : 1;
      clock.tick(t, { readyInstances: ready, ...window.averages(s(t), spec) });
    }
  }
  // Traffic last in second 9: the stable average is 0 from second 69 on, first seen by the tick at 70.
  assertEquals(clock.firstAt((d) => d.phase === "inactive"), 70);
  assertEquals(clock.firstAt((d) => d.desired === 0), 100);
  assert(clock.log.every(({ at, decision }) => decision.desired === (at < 100 ? 1 : 0)));
});

Deno.test("decide() explains each step towards zero", () => {
  const spec = kpa();
  const clock = new Clock(spec, initialDeciderState(s(0), spec, 1));
  const waiting = clock.tick(20, metrics(1, 0, 0));
  assert(waiting.reason.includes("active for only 20s: keeping 1 for 40s more"), waiting.reason);
  const inactive = clock.tick(60, metrics(1, 0, 0));
  assert(inactive.reason.includes("no traffic for a whole stable window"), inactive.reason);
  assert(
    inactive.reason.includes("keeping the last instance for the grace period, 30s more"),
    inactive.reason,
  );
  const zero = clock.tick(90, metrics(1, 0, 0));
  assert(zero.reason.includes("scaling to zero after 30s inactive"), zero.reason);
});

Deno.test("decide() never scales to zero when enable-scale-to-zero is off", () => {
  const spec = kpa({}, 0, { ...DEFAULT_AUTOSCALER_DEFAULTS, enableScaleToZero: false });
  const clock = new Clock(spec, initialDeciderState(s(0), spec, 1));
  for (let t = 0; t <= 300; t += 2) assertEquals(clock.tick(t, metrics(1, 0, 0)).desired, 1);
  assert(clock.log[0].decision.reason.includes("scale to zero is disabled"));
});

Deno.test("decide() needs a whole stable window of activity again after waking", () => {
  const spec = kpa();
  const clock = new Clock(spec, initialDeciderState(s(0), spec, 1));
  for (let t = 0; t <= 90; t += 2) clock.tick(t, metrics(1, 0, 0));
  assertEquals(clock.state.phase, "zero");
  assertEquals(clock.tick(100, metrics(0, 0.02, 1)).desired, 1);
  for (let t = 102; t <= 200; t += 2) clock.tick(t, metrics(1, 0, 0));
  assertEquals(clock.firstAt((d) => d.phase === "inactive" && d.state.phaseSince > s(100)), 160);
  assertEquals(clock.firstAt((d) => d.desired === 0 && d.state.phaseSince > s(100)), 190);
});

Deno.test("decide() wakes an inactive revision that gets traffic during the grace period", () => {
  const spec = kpa();
  const clock = new Clock(spec, initialDeciderState(s(0), spec, 1));
  for (let t = 0; t <= 70; t += 2) clock.tick(t, metrics(1, 0, 0));
  assertEquals(clock.state.phase, "inactive");
  const d = clock.tick(72, metrics(1, 0.5, 1));
  assertEquals([d.desired, d.phase], [1, "active"]);
  assert(d.reason.includes("waking from inactive"), d.reason);
});

// ---------------------------------------------------------------- burst capacity

const BURST: [string, Record<string, string>, number, number, number][] = [
  // name, annotations, ready, panic average, expected EBC
  ["3 x 100 - 211 - 50", {}, 3, 50, 39],
  ["negative when capacity is short", {}, 2, 50, -61],
  ["0 ready", {}, 0, 0, -211],
  ["target-burst-capacity 0 gives 0", { [`${A}target-burst-capacity`]: "0" }, 1, 500, 0],
  ["target-burst-capacity -1 gives -1", { [`${A}target-burst-capacity`]: "-1" }, 10, 0, -1],
];

for (const [name, annotations, ready, panic, expected] of BURST) {
  Deno.test(`decide() computes excess burst capacity floor(ready x total - tbc - panic): ${name}`, () => {
    assertEquals(
      decide(steady(), metrics(ready, 0, panic), kpa(annotations), T0).excessBurstCapacity,
      expected,
    );
  });
}

// ---------------------------------------------------------------- schedule

const OFFICE_UTC = '[{"start":"0 9 * * *","end":"0 17 * * *","minScale":3}]';
const NIGHT_SHANGHAI = '[{"start":"0 22 * * *","end":"0 2 * * *","minScale":4,"timezone":"Asia/Shanghai"}]';

Deno.test("decide() keeps the schedule floor while a window is open", () => {
  const d = decide(steady(), metrics(1, 0, 0), kpa({ [SCHEDULE_ANNOTATION]: OFFICE_UTC }), T0);
  assertEquals([d.desired, d.scheduleFloor, d.phase], [3, 3, "active"]);
  assert(d.reason.includes("schedule window 0 9 * * * → 0 17 * * * (UTC) min 3 raises 0 to 3"), d.reason);
});

Deno.test("decide() takes the reactive decision when it is above the schedule floor", () => {
  const d = decide(steady(), metrics(6, 42, 42), kpa({ [SCHEDULE_ANNOTATION]: OFFICE_UTC }, 10), T0);
  assertEquals([d.desired, d.scheduleFloor], [6, 3]);
});

Deno.test("decide() caps the schedule floor at max-scale", () => {
  const spec = kpa({ [SCHEDULE_ANNOTATION]: OFFICE_UTC, [`${A}max-scale`]: "2" });
  const d = decide(steady(), metrics(1, 0, 0), spec, T0);
  assertEquals(d.desired, 2);
  assert(d.reason.includes("capped by max-scale 2"), d.reason);
});

Deno.test("decide() follows a Shanghai night window across midnight", () => {
  const spec = kpa({ [SCHEDULE_ANNOTATION]: NIGHT_SHANGHAI });
  const at = (iso: string) => decide(steady(), metrics(1, 0, 0), spec, Date.parse(iso));
  assertEquals(at("2024-03-05T13:59:00Z").scheduleFloor, 0); // 21:59 Shanghai
  assertEquals(at("2024-03-05T14:00:00Z").desired, 4); // 22:00 Shanghai
  assertEquals(at("2024-03-05T17:30:00Z").desired, 4); // 01:30 Shanghai, the next day
  assertEquals(at("2024-03-05T18:00:00Z").scheduleFloor, 0); // 02:00 Shanghai
});

Deno.test("decide() lets an idle revision go to zero once its schedule window closes", () => {
  const spec = kpa({ [SCHEDULE_ANNOTATION]: '[{"start":"0 9 * * *","end":"0 12 * * *","minScale":2}]' });
  const clock = new Clock(spec, { ...steady(), phaseSince: s(-7200) });
  clock.tick(-2, metrics(2, 0, 0));
  assertEquals(clock.log[0].decision.desired, 2);
  for (let t = 0; t <= 40; t += 2) clock.tick(t, metrics(1, 0, 0));
  assertEquals(clock.firstAt((d) => d.phase === "inactive"), 0);
  assertEquals(clock.firstAt((d) => d.desired === 0), 30);
});

// ---------------------------------------------------------------- misc

Deno.test("decide() refuses an hpa spec", () => {
  assertThrows(() => decide(steady(), metrics(1, 0), kpa({ [`${A}class`]: "hpa" }), T0), TypeError);
});

Deno.test("decide() does not change the state it is given", () => {
  const state = steady();
  const frozen = structuredClone(state);
  decide(state, metrics(2, 7, 28), kpa({ [`${A}scale-down-delay`]: "10s" }, 10), T0);
  assertEquals(state, frozen);
});

Deno.test("decide() treats metrics that are not finite numbers as no traffic", () => {
  const d = decide(steady(), { readyInstances: NaN, stableValue: NaN, panicValue: Infinity }, kpa(), T0);
  assertEquals([d.detail.rawStable, d.detail.rawPanic, d.desired], [0, 0, 1]);
});

Deno.test("decide() says how long a revision has been at zero", () => {
  const zero: DeciderState = { ...steady(), phase: "zero", phaseSince: s(-100) };
  const d = decide(zero, metrics(0, 0, 0), kpa(), T0);
  assertEquals(d.desired, 0);
  assert(d.reason.includes("at zero for 1m40s"), d.reason);
});
