/**
 * Resolves a revision's `autoscaling.knative.dev/*` annotations (plus `containerConcurrency` and Denative's
 * `autoscaling.denative.dev/schedule`) against the cluster defaults into an `AutoscalingSpec` with every field
 * filled, or into field errors naming the annotation so the API can answer 4xx.
 *
 * Validation follows Knative's `ValidateAnnotations` (pkg/apis/autoscaling/annotation_validation.go); the
 * target and window resolution follows `ResolveMetricTarget`, `MakeDecider` and `MakeMetric`. Legacy camelCase
 * keys (`minScale`, `maxScale`, `initialScale`, ...) are accepted where Knative accepts them; the kebab-case
 * key wins when both are present. Where Denative is stricter than Knative:
 * - only the kpa and hpa classes exist, so any other class is refused;
 * - class hpa scales on cpu or memory only, and memory needs an explicit `target` (MiB);
 * - the short class names `kpa` and `hpa` are accepted alongside the full ones.
 */

import { parseDurationNanos } from "./duration.ts";
import type { ScheduleWindow } from "./schedule.ts";
import { parseScheduleAnnotation, SCHEDULE_ANNOTATION } from "./schedule_annotation.ts";

export { SCHEDULE_ANNOTATION };

export type AutoscalerClass = "kpa" | "hpa";
export type ScalingMetric = "concurrency" | "rps" | "cpu" | "memory";

/** Cluster-wide settings (Knative's `config-autoscaler`), durations in milliseconds. */
export interface AutoscalerDefaults {
  /** How often the decider runs. */
  readonly tickIntervalMs: number;
  readonly stableWindowMs: number;
  /** Panic window as a percentage of the stable window. */
  readonly panicWindowPercentage: number;
  /** Panic starts when the panic-window demand reaches this percentage of the ready instances. */
  readonly panicThresholdPercentage: number;
  /** `container-concurrency-target-percentage`; also the rps utilization. */
  readonly targetUtilizationPercentage: number;
  readonly maxScaleUpRate: number;
  readonly maxScaleDownRate: number;
  readonly scaleToZeroGracePeriodMs: number;
  readonly scaleToZeroPodRetentionPeriodMs: number;
  readonly enableScaleToZero: boolean;
  readonly initialScale: number;
  readonly allowZeroInitialScale: boolean;
  /** Concurrency per instance aimed at (before utilization) when containerConcurrency is 0. */
  readonly containerConcurrencyTargetDefault: number;
  /** Requests per second per instance aimed at (before utilization) for the rps metric. */
  readonly rpsTargetDefault: number;
  /** -1 (activator always in path), 0 (never for bursts) or a number of requests. */
  readonly targetBurstCapacity: number;
  readonly scaleDownDelayMs: number;
  readonly minScale: number;
  /** 0 = unlimited. */
  readonly maxScale: number;
  /** When > 0, every revision must set a max-scale of at most this. */
  readonly maxScaleLimit: number;
  readonly autoscalerClass: AutoscalerClass;
  /** Denative: the HPA cpu target (percent of one core per instance) when no `target` is given (Kubernetes' 80). */
  readonly hpaCpuTargetPercentage: number;
}

export const DEFAULT_AUTOSCALER_DEFAULTS: AutoscalerDefaults = Object.freeze({
  tickIntervalMs: 2_000,
  stableWindowMs: 60_000,
  panicWindowPercentage: 10,
  panicThresholdPercentage: 200,
  targetUtilizationPercentage: 70,
  maxScaleUpRate: 1000,
  maxScaleDownRate: 2,
  scaleToZeroGracePeriodMs: 30_000,
  scaleToZeroPodRetentionPeriodMs: 0,
  enableScaleToZero: true,
  initialScale: 1,
  allowZeroInitialScale: false,
  containerConcurrencyTargetDefault: 100,
  rpsTargetDefault: 200,
  targetBurstCapacity: 211,
  scaleDownDelayMs: 0,
  minScale: 0,
  maxScale: 0,
  maxScaleLimit: 0,
  autoscalerClass: "kpa",
  hpaCpuTargetPercentage: 80,
});

/** Everything the deciders need for one revision, fully resolved. Durations in milliseconds. */
export interface AutoscalingSpec {
  readonly class: AutoscalerClass;
  readonly metric: ScalingMetric;
  /** The revision's hard per-instance limit, 0 = unlimited. */
  readonly containerConcurrency: number;
  /**
   * kpa: the per-instance value aimed at, max(0.01, total x utilization).
   * hpa: cpu percent of one core, or MiB, per instance.
   */
  readonly targetValue: number;
  /** kpa: the per-instance capacity the target is a fraction of (used for burst capacity). hpa: = targetValue. */
  readonly totalValue: number;
  /** Fraction, 0.7 for 70%. */
  readonly targetUtilization: number;
  readonly stableWindowMs: number;
  readonly panicWindowPercentage: number;
  /** Stable window x percentage, rounded to the second, at least 1 s. */
  readonly panicWindowMs: number;
  /** Fraction, 2 for 200%. */
  readonly panicThreshold: number;
  readonly targetBurstCapacity: number;
  readonly minScale: number;
  /** 0 = unlimited. */
  readonly maxScale: number;
  readonly initialScale: number;
  /** Instances to start with when waking from zero; 1 means no effect. */
  readonly activationScale: number;
  readonly scaleDownDelayMs: number;
  readonly scaleToZeroPodRetentionPeriodMs: number;
  readonly scaleToZeroGracePeriodMs: number;
  readonly enableScaleToZero: boolean;
  readonly maxScaleUpRate: number;
  readonly maxScaleDownRate: number;
  readonly tickIntervalMs: number;
  readonly schedule: readonly ScheduleWindow[];
}

export interface RevisionAutoscalingInput {
  /** `spec.template.metadata.annotations`. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** `spec.template.spec.containerConcurrency`, 0 or absent = unlimited. */
  readonly containerConcurrency?: number;
}

export interface AutoscalingFieldError {
  /** Where the problem is, e.g. `spec.template.metadata.annotations[autoscaling.knative.dev/min-scale]`. */
  readonly field: string;
  /** The value as written, when there is one. */
  readonly value?: string;
  readonly message: string;
}

export type AutoscalingSpecResult =
  | { readonly ok: true; readonly spec: AutoscalingSpec }
  | { readonly ok: false; readonly errors: AutoscalingFieldError[] };

const GROUP = "autoscaling.knative.dev";
export const KPA_CLASS = `kpa.${GROUP}`;
export const HPA_CLASS = `hpa.${GROUP}`;

/** Annotation keys, each with the legacy spellings Knative still reads (first one wins). */
export const AUTOSCALING_ANNOTATIONS = {
  class: [`${GROUP}/class`],
  metric: [`${GROUP}/metric`],
  target: [`${GROUP}/target`],
  targetUtilizationPercentage: [
    `${GROUP}/target-utilization-percentage`,
    `${GROUP}/targetUtilizationPercentage`,
  ],
  window: [`${GROUP}/window`],
  panicWindowPercentage: [`${GROUP}/panic-window-percentage`, `${GROUP}/panicWindowPercentage`],
  panicThresholdPercentage: [`${GROUP}/panic-threshold-percentage`, `${GROUP}/panicThresholdPercentage`],
  targetBurstCapacity: [`${GROUP}/target-burst-capacity`, `${GROUP}/targetBurstCapacity`],
  minScale: [`${GROUP}/min-scale`, `${GROUP}/minScale`],
  maxScale: [`${GROUP}/max-scale`, `${GROUP}/maxScale`],
  initialScale: [`${GROUP}/initial-scale`, `${GROUP}/initialScale`],
  activationScale: [`${GROUP}/activation-scale`],
  scaleDownDelay: [`${GROUP}/scale-down-delay`, `${GROUP}/scaleDownDelay`],
  scaleToZeroPodRetentionPeriod: [
    `${GROUP}/scale-to-zero-pod-retention-period`,
    `${GROUP}/scaleToZeroPodRetentionPeriod`,
  ],
} as const;

export const WINDOW_MIN_MS = 6_000;
export const WINDOW_MAX_MS = 3_600_000;
export const TARGET_MIN = 0.01;
export const PANIC_WINDOW_PERCENTAGE_RANGE = [1, 100] as const;
export const PANIC_THRESHOLD_PERCENTAGE_RANGE = [110, 1000] as const;
export const CONTAINER_CONCURRENCY_MAX = 1000;
const INT32_MAX = 2 ** 31 - 1;
const BUCKET_MS = 1_000;

/** The path of an annotation in a Service/Configuration body, as error messages name it. */
export function annotationField(key: string): string {
  return `spec.template.metadata.annotations[${key}]`;
}

export const CONTAINER_CONCURRENCY_FIELD = "spec.template.spec.containerConcurrency";

/** One line per error, for a 4xx body or a log: `field: message (value "x")`. */
export function formatFieldErrors(errors: readonly AutoscalingFieldError[]): string {
  return errors.map((e) =>
    `${e.field}: ${e.message}${e.value === undefined ? "" : ` (value ${JSON.stringify(e.value)})`}`
  )
    .join("\n");
}

type AnnotationName = keyof typeof AUTOSCALING_ANNOTATIONS;

interface Found {
  readonly key: string;
  readonly value: string;
}

/** Parses and validates; never throws. */
export function parseAutoscalingSpec(
  input: RevisionAutoscalingInput,
  defaults: AutoscalerDefaults = DEFAULT_AUTOSCALER_DEFAULTS,
): AutoscalingSpecResult {
  const annotations = input.annotations ?? {};
  const errors: AutoscalingFieldError[] = [];
  const fail = (found: Found | string, message: string) => {
    if (typeof found === "string") errors.push({ field: found, message });
    else errors.push({ field: annotationField(found.key), value: found.value, message });
  };
  const get = (name: AnnotationName): Found | undefined => {
    for (const key of AUTOSCALING_ANNOTATIONS[name]) {
      const value = annotations[key];
      if (value !== undefined) return { key, value };
    }
    return undefined;
  };

  // Numbers: each reader returns undefined when absent or invalid (the error is recorded).
  const readFloat = (name: AnnotationName, check?: (n: number, f: Found) => boolean): number | undefined => {
    const found = get(name);
    if (!found) return undefined;
    const n = parseFloatStrict(found.value);
    if (n === null) {
      fail(found, "must be a number");
      return undefined;
    }
    return check && !check(n, found) ? undefined : n;
  };
  const readInt = (name: AnnotationName): number | undefined => {
    const found = get(name);
    if (!found) return undefined;
    const text = found.value.trim();
    if (!/^[+-]?\d+$/.test(text)) {
      fail(found, "must be an integer");
      return undefined;
    }
    const n = Number(text);
    if (n < 0 || n > INT32_MAX) {
      fail(found, `must be between 0 and ${INT32_MAX}`);
      return undefined;
    }
    return n;
  };
  const readDuration = (name: AnnotationName, min: number, max: number, wholeSeconds: boolean) => {
    const found = get(name);
    if (!found) return undefined;
    const nanos = parseDurationNanos(found.value.trim());
    if (nanos === null) {
      fail(found, 'must be a duration such as "60s", "1m30s" or "1h"');
      return undefined;
    }
    const ms = nanos / 1e6;
    if (ms < min || ms > max) {
      fail(found, `must be between ${formatSeconds(min)} and ${formatSeconds(max)}`);
      return undefined;
    }
    if (wholeSeconds && nanos % 1e9 !== 0) {
      fail(found, "must be specified with at most second precision");
      return undefined;
    }
    return ms;
  };
  const inRange = (lo: number, hi: number) => (n: number, found: Found) => {
    if (n >= lo && n <= hi) return true;
    fail(found, `must be between ${lo} and ${hi}`);
    return false;
  };

  // containerConcurrency
  const containerConcurrency = input.containerConcurrency ?? 0;
  if (
    !Number.isInteger(containerConcurrency) || containerConcurrency < 0 ||
    containerConcurrency > CONTAINER_CONCURRENCY_MAX
  ) {
    fail(CONTAINER_CONCURRENCY_FIELD, `must be an integer between 0 and ${CONTAINER_CONCURRENCY_MAX}`);
  }

  // class
  let autoscalerClass = defaults.autoscalerClass;
  const classFound = get("class");
  if (classFound) {
    const value = classFound.value.trim();
    if (value === KPA_CLASS || value === "kpa") autoscalerClass = "kpa";
    else if (value === HPA_CLASS || value === "hpa") autoscalerClass = "hpa";
    else fail(classFound, `must be ${KPA_CLASS} or ${HPA_CLASS}`);
  }

  // metric
  let metric: ScalingMetric = autoscalerClass === "hpa" ? "cpu" : "concurrency";
  const metricFound = get("metric");
  if (metricFound) {
    const value = metricFound.value.trim();
    const allowed: readonly ScalingMetric[] = autoscalerClass === "hpa"
      ? ["cpu", "memory"]
      : ["concurrency", "rps"];
    if ((allowed as readonly string[]).includes(value)) {
      metric = value as ScalingMetric;
    } else if (["concurrency", "rps", "cpu", "memory"].includes(value)) {
      const needs = value === "cpu" || value === "memory" ? HPA_CLASS : KPA_CLASS;
      fail(metricFound, `metric ${value} needs class ${needs}`);
    } else {
      fail(metricFound, `must be one of ${allowed.join(", ")}`);
    }
  }

  // floats
  const target = readFloat("target", (n, found) => {
    if (n >= TARGET_MIN) return true;
    fail(found, `target should be at least ${TARGET_MIN}`);
    return false;
  });
  const utilizationPercentage = readFloat("targetUtilizationPercentage", inRange(1, 100));
  const panicWindowPercentage = readFloat("panicWindowPercentage", inRange(...PANIC_WINDOW_PERCENTAGE_RANGE));
  const panicThresholdPercentage = readFloat(
    "panicThresholdPercentage",
    inRange(...PANIC_THRESHOLD_PERCENTAGE_RANGE),
  );
  const targetBurstCapacity = readFloat("targetBurstCapacity", (n, found) => {
    if (n >= 0 || n === -1) return true;
    fail(found, "must be -1 (unlimited), 0 or a positive number");
    return false;
  });

  // durations
  const windowMs = readDuration("window", WINDOW_MIN_MS, WINDOW_MAX_MS, true);
  const scaleDownDelayMs = readDuration("scaleDownDelay", 0, WINDOW_MAX_MS, true);
  const retentionMs = readDuration("scaleToZeroPodRetentionPeriod", 0, WINDOW_MAX_MS, false);

  // scale bounds
  const minScaleAnnotation = readInt("minScale");
  const maxScaleAnnotation = readInt("maxScale");
  const minScale = minScaleAnnotation ?? defaults.minScale;
  const maxScale = maxScaleAnnotation ?? defaults.maxScale;
  const minFound = get("minScale");
  const maxFound = get("maxScale");
  if (maxScale !== 0 && maxScale < minScale && (minFound || maxFound)) {
    fail(minFound ?? maxFound!, `min-scale=${minScale} is greater than max-scale=${maxScale}`);
  }
  if (maxFound && maxScaleAnnotation !== undefined && defaults.maxScaleLimit > 0) {
    if (maxScaleAnnotation === 0) {
      fail(
        maxFound,
        `max-scale=0 (unlimited) is not allowed: the cluster limit is ${defaults.maxScaleLimit}`,
      );
    } else if (maxScaleAnnotation > defaults.maxScaleLimit) {
      fail(maxFound, `must be between 1 and ${defaults.maxScaleLimit} (the cluster limit)`);
    }
  }

  let activationScale = 1;
  const activationFound = get("activationScale");
  const activationAnnotation = readInt("activationScale");
  if (activationFound && activationAnnotation !== undefined) {
    if (activationAnnotation < 2) {
      fail(activationFound, `activation-scale=${activationAnnotation} must be greater than 1`);
    } else if (minScale > activationAnnotation) {
      fail(activationFound, `min-scale=${minScale} is greater than activation-scale=${activationAnnotation}`);
    } else if (maxScale !== 0 && maxScale < activationAnnotation) {
      fail(activationFound, `max-scale=${maxScale} is less than activation-scale=${activationAnnotation}`);
    } else {
      activationScale = activationAnnotation;
    }
  }

  let initialScale = defaults.initialScale;
  const initialFound = get("initialScale");
  const initialAnnotation = readInt("initialScale");
  if (initialFound && initialAnnotation !== undefined) {
    if (initialAnnotation === 0 && !defaults.allowZeroInitialScale) {
      fail(initialFound, "initial-scale=0 is not allowed by the cluster (allow-zero-initial-scale is false)");
    } else {
      initialScale = initialAnnotation;
    }
  }

  // schedule
  let schedule: ScheduleWindow[] = [];
  const scheduleText = annotations[SCHEDULE_ANNOTATION];
  if (scheduleText !== undefined) {
    const parsed = parseScheduleAnnotation(scheduleText);
    if (parsed.ok) schedule = parsed.windows;
    else {for (const message of parsed.errors) {
        fail({ key: SCHEDULE_ANNOTATION, value: scheduleText }, message);
      }}
  }

  // hpa targets
  if (autoscalerClass === "hpa" && metric === "memory" && target === undefined && !get("target")) {
    errors.push({
      field: annotationField(AUTOSCALING_ANNOTATIONS.target[0]),
      message: "class hpa with metric memory needs a target (MiB per instance)",
    });
  }

  if (errors.length > 0) return { ok: false, errors };

  const utilization = (utilizationPercentage ?? defaults.targetUtilizationPercentage) / 100;
  let targetValue: number;
  let totalValue: number;
  let targetUtilization = utilization;
  if (autoscalerClass === "hpa") {
    targetValue = target ?? defaults.hpaCpuTargetPercentage;
    totalValue = targetValue;
    targetUtilization = 1;
  } else {
    if (metric === "rps") {
      totalValue = target ?? defaults.rpsTargetDefault;
    } else {
      totalValue = containerConcurrency > 0
        ? containerConcurrency
        : defaults.containerConcurrencyTargetDefault;
      if (target !== undefined) {
        totalValue = containerConcurrency > 0 ? Math.min(target, containerConcurrency) : target;
      }
    }
    targetValue = Math.max(TARGET_MIN, totalValue * utilization);
  }

  const stableWindowMs = windowMs ?? defaults.stableWindowMs;
  const panicPercentage = panicWindowPercentage ?? defaults.panicWindowPercentage;
  const panicWindowMs = Math.max(
    BUCKET_MS,
    Math.round((stableWindowMs * panicPercentage) / 100 / 1000) * 1000,
  );

  return {
    ok: true,
    spec: {
      class: autoscalerClass,
      metric,
      containerConcurrency,
      targetValue,
      totalValue,
      targetUtilization,
      stableWindowMs,
      panicWindowPercentage: panicPercentage,
      panicWindowMs,
      panicThreshold: (panicThresholdPercentage ?? defaults.panicThresholdPercentage) / 100,
      targetBurstCapacity: targetBurstCapacity ?? defaults.targetBurstCapacity,
      minScale,
      maxScale,
      initialScale,
      activationScale,
      scaleDownDelayMs: scaleDownDelayMs ?? defaults.scaleDownDelayMs,
      scaleToZeroPodRetentionPeriodMs: retentionMs ?? defaults.scaleToZeroPodRetentionPeriodMs,
      scaleToZeroGracePeriodMs: defaults.scaleToZeroGracePeriodMs,
      enableScaleToZero: defaults.enableScaleToZero,
      maxScaleUpRate: defaults.maxScaleUpRate,
      maxScaleDownRate: defaults.maxScaleDownRate,
      tickIntervalMs: defaults.tickIntervalMs,
      schedule,
    },
  };
}

/** Like `parseAutoscalingSpec` but throws an `AutoscalingSpecError` carrying the field errors. */
export function resolveAutoscalingSpec(
  input: RevisionAutoscalingInput,
  defaults: AutoscalerDefaults = DEFAULT_AUTOSCALER_DEFAULTS,
): AutoscalingSpec {
  const result = parseAutoscalingSpec(input, defaults);
  if (!result.ok) throw new AutoscalingSpecError(result.errors);
  return result.spec;
}

export class AutoscalingSpecError extends Error {
  constructor(readonly errors: readonly AutoscalingFieldError[]) {
    super(formatFieldErrors(errors));
    this.name = "AutoscalingSpecError";
  }
}

function parseFloatStrict(text: string): number | null {
  const trimmed = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : null;
}

function formatSeconds(ms: number): string {
  if (ms === 0) return "0s";
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}
