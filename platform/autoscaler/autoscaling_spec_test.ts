import { deepStrictEqual as assertEquals, ok as assert, throws as assertThrows } from "node:assert/strict";
import {
  annotationField,
  type AutoscalerDefaults,
  type AutoscalingFieldError,
  type AutoscalingSpec,
  AutoscalingSpecError,
  DEFAULT_AUTOSCALER_DEFAULTS,
  formatFieldErrors,
  parseAutoscalingSpec,
  resolveAutoscalingSpec,
  SCHEDULE_ANNOTATION,
} from "./autoscaling_spec.ts";

const A = "autoscaling.knative.dev/";

function spec(annotations: Record<string, string>, containerConcurrency = 0, defaults?: AutoscalerDefaults) {
  return resolveAutoscalingSpec({ annotations, containerConcurrency }, defaults);
}

function errorsOf(
  annotations: Record<string, string>,
  containerConcurrency = 0,
  defaults?: AutoscalerDefaults,
): AutoscalingFieldError[] {
  const result = parseAutoscalingSpec({ annotations, containerConcurrency }, defaults);
  if (result.ok) throw new Error(`expected errors for ${JSON.stringify(annotations)}`);
  return result.errors;
}

Deno.test("DEFAULT_AUTOSCALER_DEFAULTS carries Knative's config-autoscaler defaults", () => {
  const d = DEFAULT_AUTOSCALER_DEFAULTS;
  assertEquals(
    [d.tickIntervalMs, d.stableWindowMs, d.panicWindowPercentage, d.panicThresholdPercentage],
    [2000, 60_000, 10, 200],
  );
  assertEquals([d.targetUtilizationPercentage, d.maxScaleUpRate, d.maxScaleDownRate], [70, 1000, 2]);
  assertEquals([d.scaleToZeroGracePeriodMs, d.enableScaleToZero, d.initialScale, d.allowZeroInitialScale], [
    30_000,
    true,
    1,
    false,
  ]);
  assertEquals([d.containerConcurrencyTargetDefault, d.rpsTargetDefault, d.targetBurstCapacity], [
    100,
    200,
    211,
  ]);
  assert(Object.isFrozen(d));
});

Deno.test("parseAutoscalingSpec() fills every field from the defaults when there are no annotations", () => {
  const expected: AutoscalingSpec = {
    class: "kpa",
    metric: "concurrency",
    containerConcurrency: 0,
    targetValue: 70,
    totalValue: 100,
    targetUtilization: 0.7,
    stableWindowMs: 60_000,
    panicWindowPercentage: 10,
    panicWindowMs: 6_000,
    panicThreshold: 2,
    targetBurstCapacity: 211,
    minScale: 0,
    maxScale: 0,
    initialScale: 1,
    activationScale: 1,
    scaleDownDelayMs: 0,
    scaleToZeroPodRetentionPeriodMs: 0,
    scaleToZeroGracePeriodMs: 30_000,
    enableScaleToZero: true,
    maxScaleUpRate: 1000,
    maxScaleDownRate: 2,
    tickIntervalMs: 2000,
    schedule: [],
  };
  assertEquals(parseAutoscalingSpec({}), { ok: true, spec: expected });
});

const TARGETS: [string, Record<string, string>, number, number, number][] = [
  // name, annotations, containerConcurrency, expected target, expected total
  ["containerConcurrency 0 aims at 70% of 100", {}, 0, 70, 100],
  ["containerConcurrency 10 aims at 70% of it", {}, 10, 7, 10],
  ["a target is capped by containerConcurrency", { [`${A}target`]: "50" }, 10, 7, 10],
  ["a target below containerConcurrency wins", { [`${A}target`]: "5" }, 10, 3.5, 5],
  ["a target with unlimited concurrency is used as is", { [`${A}target`]: "50" }, 0, 35, 50],
  [
    "target-utilization-percentage replaces 70%",
    { [`${A}target-utilization-percentage`]: "100" },
    10,
    10,
    10,
  ],
  ["rps aims at 70% of 200", { [`${A}metric`]: "rps" }, 0, 140, 200],
  [
    "rps ignores containerConcurrency for its total",
    { [`${A}metric`]: "rps", [`${A}target`]: "10" },
    5,
    7,
    10,
  ],
  ["the target never drops below 0.01", { [`${A}target-utilization-percentage`]: "1" }, 1, 0.01, 1],
];

for (const [name, annotations, cc, target, total] of TARGETS) {
  Deno.test(`parseAutoscalingSpec() resolves the target: ${name}`, () => {
    const resolved = spec(annotations, cc);
    assertEquals(Math.round(resolved.targetValue * 1e9) / 1e9, target);
    assertEquals(resolved.totalValue, total);
  });
}

Deno.test("parseAutoscalingSpec() reads every autoscaling annotation", () => {
  const resolved = spec({
    [`${A}class`]: "kpa.autoscaling.knative.dev",
    [`${A}metric`]: "rps",
    [`${A}target`]: "20",
    [`${A}target-utilization-percentage`]: "50",
    [`${A}window`]: "2m",
    [`${A}panic-window-percentage`]: "20",
    [`${A}panic-threshold-percentage`]: "150",
    [`${A}target-burst-capacity`]: "-1",
    [`${A}min-scale`]: "1",
    [`${A}max-scale`]: "9",
    [`${A}initial-scale`]: "3",
    [`${A}activation-scale`]: "2",
    [`${A}scale-down-delay`]: "30s",
    [`${A}scale-to-zero-pod-retention-period`]: "1m5s",
  });
  assertEquals(
    [resolved.class, resolved.metric, resolved.targetValue, resolved.totalValue, resolved.targetUtilization],
    ["kpa", "rps", 10, 20, 0.5],
  );
  assertEquals([resolved.stableWindowMs, resolved.panicWindowMs, resolved.panicThreshold], [
    120_000,
    24_000,
    1.5,
  ]);
  assertEquals(
    [
      resolved.targetBurstCapacity,
      resolved.minScale,
      resolved.maxScale,
      resolved.initialScale,
      resolved.activationScale,
    ],
    [-1, 1, 9, 3, 2],
  );
  assertEquals([resolved.scaleDownDelayMs, resolved.scaleToZeroPodRetentionPeriodMs], [30_000, 65_000]);
});

Deno.test("parseAutoscalingSpec() accepts Knative's legacy camelCase keys, preferring the kebab-case one", () => {
  const resolved = spec({
    [`${A}minScale`]: "2",
    [`${A}maxScale`]: "8",
    [`${A}initialScale`]: "4",
    [`${A}scaleDownDelay`]: "10s",
    [`${A}targetUtilizationPercentage`]: "80",
    [`${A}panicWindowPercentage`]: "5",
    [`${A}panicThresholdPercentage`]: "300",
    [`${A}targetBurstCapacity`]: "0",
    [`${A}scaleToZeroPodRetentionPeriod`]: "5s",
  });
  assertEquals([resolved.minScale, resolved.maxScale, resolved.initialScale, resolved.scaleDownDelayMs], [
    2,
    8,
    4,
    10_000,
  ]);
  assertEquals([resolved.targetUtilization, resolved.panicWindowMs, resolved.panicThreshold], [0.8, 3000, 3]);
  assertEquals([resolved.targetBurstCapacity, resolved.scaleToZeroPodRetentionPeriodMs], [0, 5000]);
  assertEquals(spec({ [`${A}min-scale`]: "1", [`${A}minScale`]: "5" }).minScale, 1);
});

const PANIC_WINDOWS: [string, string, number][] = [
  ["6s", "10", 1000],
  ["15s", "10", 2000],
  ["60s", "10", 6000],
  ["1h", "10", 360_000],
  ["10s", "100", 10_000],
];
for (const [window, percentage, expected] of PANIC_WINDOWS) {
  Deno.test(`parseAutoscalingSpec() makes the panic window ${expected} ms from window ${window} at ${percentage}%`, () => {
    assertEquals(
      spec({ [`${A}window`]: window, [`${A}panic-window-percentage`]: percentage }).panicWindowMs,
      expected,
    );
  });
}

Deno.test("parseAutoscalingSpec() defaults class hpa to the cpu metric at 80% of a core", () => {
  const resolved = spec({ [`${A}class`]: "hpa.autoscaling.knative.dev" });
  assertEquals([resolved.class, resolved.metric, resolved.targetValue, resolved.targetUtilization], [
    "hpa",
    "cpu",
    80,
    1,
  ]);
  const memory = spec({ [`${A}class`]: "hpa", [`${A}metric`]: "memory", [`${A}target`]: "256" });
  assertEquals([memory.metric, memory.targetValue], ["memory", 256]);
});

Deno.test("parseAutoscalingSpec() uses cluster defaults passed in", () => {
  const defaults: AutoscalerDefaults = {
    ...DEFAULT_AUTOSCALER_DEFAULTS,
    stableWindowMs: 120_000,
    targetUtilizationPercentage: 50,
    minScale: 1,
    enableScaleToZero: false,
    autoscalerClass: "hpa",
  };
  const resolved = spec({}, 0, defaults);
  assertEquals([resolved.class, resolved.stableWindowMs, resolved.minScale, resolved.enableScaleToZero], [
    "hpa",
    120_000,
    1,
    false,
  ]);
  assertEquals(spec({ [`${A}class`]: "kpa" }, 10, defaults).targetValue, 5);
});

Deno.test("parseAutoscalingSpec() reads the Denative schedule annotation", () => {
  const resolved = spec({
    [SCHEDULE_ANNOTATION]:
      '[{"start":"0 9 * * 1-5","end":"0 18 * * 1-5","minScale":3,"timezone":"Asia/Shanghai"}]',
  });
  assertEquals(resolved.schedule, [
    { start: "0 9 * * 1-5", end: "0 18 * * 1-5", minScale: 3, timezone: "Asia/Shanghai" },
  ]);
});

const INVALID: [string, Record<string, string>, string, string][] = [
  // name, annotations, field key, message fragment
  [
    "min-scale above max-scale",
    { [`${A}min-scale`]: "5", [`${A}max-scale`]: "3" },
    "min-scale",
    "min-scale=5 is greater than max-scale=3",
  ],
  ["a negative min-scale", { [`${A}min-scale`]: "-1" }, "min-scale", "between 0 and"],
  ["a non-integer max-scale", { [`${A}max-scale`]: "2.5" }, "max-scale", "must be an integer"],
  ["a window below 6s", { [`${A}window`]: "5s" }, "window", "between 6s and 1h"],
  ["a window above 1h", { [`${A}window`]: "61m" }, "window", "between 6s and 1h"],
  ["a window with sub-second precision", { [`${A}window`]: "30500ms" }, "window", "second precision"],
  ["a window that is not a duration", { [`${A}window`]: "60" }, "window", "must be a duration"],
  [
    "a negative scale-down-delay",
    { [`${A}scale-down-delay`]: "-1s" },
    "scale-down-delay",
    "between 0s and 1h",
  ],
  [
    "a scale-down-delay with sub-second precision",
    { [`${A}scale-down-delay`]: "1.5s" },
    "scale-down-delay",
    "second precision",
  ],
  [
    "a retention period above 1h",
    { [`${A}scale-to-zero-pod-retention-period`]: "2h" },
    "scale-to-zero-pod-retention-period",
    "between 0s and 1h",
  ],
  ["a target below 0.01", { [`${A}target`]: "0" }, "target", "at least 0.01"],
  ["a target that is not a number", { [`${A}target`]: "ten" }, "target", "must be a number"],
  [
    "a utilization of 0",
    { [`${A}target-utilization-percentage`]: "0" },
    "target-utilization-percentage",
    "between 1 and 100",
  ],
  [
    "a utilization above 100",
    { [`${A}target-utilization-percentage`]: "101" },
    "target-utilization-percentage",
    "between 1 and 100",
  ],
  [
    "a panic window below 1%",
    { [`${A}panic-window-percentage`]: "0.5" },
    "panic-window-percentage",
    "between 1 and 100",
  ],
  [
    "a panic threshold below 110%",
    { [`${A}panic-threshold-percentage`]: "100" },
    "panic-threshold-percentage",
    "between 110 and 1000",
  ],
  [
    "a burst capacity below -1",
    { [`${A}target-burst-capacity`]: "-2" },
    "target-burst-capacity",
    "must be -1",
  ],
  [
    "an unknown knative class",
    { [`${A}class`]: "foo.autoscaling.knative.dev" },
    "class",
    "must be kpa.autoscaling.knative.dev",
  ],
  ["a custom class", { [`${A}class`]: "keda" }, "class", "must be"],
  [
    "the cpu metric on the kpa class",
    { [`${A}metric`]: "cpu" },
    "metric",
    "needs class hpa.autoscaling.knative.dev",
  ],
  [
    "the rps metric on the hpa class",
    { [`${A}class`]: "hpa", [`${A}metric`]: "rps" },
    "metric",
    "needs class kpa.autoscaling.knative.dev",
  ],
  ["an unknown metric", { [`${A}metric`]: "latency" }, "metric", "must be one of concurrency, rps"],
  [
    "the memory metric without a target",
    { [`${A}class`]: "hpa", [`${A}metric`]: "memory" },
    "target",
    "needs a target",
  ],
  [
    "initial-scale 0 when the cluster forbids it",
    { [`${A}initial-scale`]: "0" },
    "initial-scale",
    "not allowed by the cluster",
  ],
  ["activation-scale 1", { [`${A}activation-scale`]: "1" }, "activation-scale", "must be greater than 1"],
  [
    "activation-scale below min-scale",
    { [`${A}activation-scale`]: "2", [`${A}min-scale`]: "3" },
    "activation-scale",
    "min-scale=3 is greater than activation-scale=2",
  ],
  [
    "activation-scale above max-scale",
    { [`${A}activation-scale`]: "3", [`${A}max-scale`]: "2" },
    "activation-scale",
    "max-scale=2 is less than activation-scale=3",
  ],
  ["a legacy key with a bad value", { [`${A}minScale`]: "x" }, "minScale", "must be an integer"],
];

for (const [name, annotations, key, fragment] of INVALID) {
  Deno.test(`parseAutoscalingSpec() refuses ${name}, naming the annotation`, () => {
    const errors = errorsOf(annotations);
    const error = errors.find((e) => e.field === annotationField(`${A}${key}`));
    assert(error, `no error on ${key}: ${JSON.stringify(errors)}`);
    assert(error.message.includes(fragment), `"${error.message}" lacks "${fragment}"`);
  });
}

Deno.test("parseAutoscalingSpec() names min-scale in the path the API reports", () => {
  const [error] = errorsOf({ [`${A}min-scale`]: "5", [`${A}max-scale`]: "3" });
  assertEquals(error.field, "spec.template.metadata.annotations[autoscaling.knative.dev/min-scale]");
  assertEquals(error.value, "5");
});

Deno.test("parseAutoscalingSpec() accepts initial-scale 0 when the cluster allows it", () => {
  const defaults = { ...DEFAULT_AUTOSCALER_DEFAULTS, allowZeroInitialScale: true };
  assertEquals(spec({ [`${A}initial-scale`]: "0" }, 0, defaults).initialScale, 0);
});

Deno.test("parseAutoscalingSpec() enforces the cluster's max-scale-limit", () => {
  const defaults = { ...DEFAULT_AUTOSCALER_DEFAULTS, maxScaleLimit: 10 };
  assert(errorsOf({ [`${A}max-scale`]: "0" }, 0, defaults)[0].message.includes("unlimited"));
  assert(errorsOf({ [`${A}max-scale`]: "20" }, 0, defaults)[0].message.includes("between 1 and 10"));
  assertEquals(spec({ [`${A}max-scale`]: "5" }, 0, defaults).maxScale, 5);
});

Deno.test("parseAutoscalingSpec() refuses a containerConcurrency above 1000", () => {
  const [error] = errorsOf({}, 1001);
  assertEquals(error.field, "spec.template.spec.containerConcurrency");
});

Deno.test("parseAutoscalingSpec() refuses a bad schedule, naming the Denative annotation", () => {
  const errors = errorsOf({
    [SCHEDULE_ANNOTATION]: '[{"start":"0 25 * * *","end":"0 18 * * *","minScale":1}]',
  });
  assertEquals(errors.length, 1);
  assertEquals(errors[0].field, "spec.template.metadata.annotations[autoscaling.denative.dev/schedule]");
  assert(errors[0].message.startsWith("window 0: start"));
});

Deno.test("parseAutoscalingSpec() reports every bad annotation at once", () => {
  const errors = errorsOf({ [`${A}window`]: "1s", [`${A}target`]: "-3", [`${A}max-scale`]: "x" });
  assertEquals(errors.map((e) => e.field).sort(), [
    annotationField(`${A}max-scale`),
    annotationField(`${A}target`),
    annotationField(`${A}window`),
  ]);
});

Deno.test("formatFieldErrors() writes one line per error with the value", () => {
  const text = formatFieldErrors(errorsOf({ [`${A}window`]: "1s" }));
  assertEquals(
    text,
    'spec.template.metadata.annotations[autoscaling.knative.dev/window]: must be between 6s and 1h (value "1s")',
  );
});

Deno.test("resolveAutoscalingSpec() throws an AutoscalingSpecError carrying the field errors", () => {
  assertThrows(() => spec({ [`${A}min-scale`]: "5", [`${A}max-scale`]: "3" }), (error: unknown) => {
    assert(error instanceof AutoscalingSpecError);
    assertEquals(error.errors.length, 1);
    return true;
  });
});
