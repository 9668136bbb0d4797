/**
 * The HPA-class decider: what Knative delegates to a Kubernetes HorizontalPodAutoscaler, as a pure function.
 *
 * - cpu: `target` is a percentage of one core per instance (80 = 0.8 core); memory: `target` is MiB per instance.
 * - recommendation = ceil(usage / target per instance), unless the per-instance usage is within 10% of the
 *   target (Kubernetes' tolerance), then the current count stays.
 * - Stabilization over the `window` annotation (Knative sets it as both the scale-up and the scale-down
 *   stabilization window): scale up only to the lowest recommendation of the window, down only to the highest.
 * - Bounds as for the KPA (min-scale, schedule floor, initial-scale, max-scale), never below 1: the HPA class
 *   does not scale to zero and the activator is not in its path.
 *
 * Not modelled: Kubernetes' scaling policies (rate limits per period) and unready-pod corrections.
 */

import type { AutoscalingSpec } from "./autoscaling_spec.ts";
import { formatDuration } from "./duration.ts";
import { applyBounds, describeBounds, initialScaleReached, scaleBounds } from "./scale_bounds.ts";

export const HPA_TOLERANCE = 0.1;

export interface HpaMetrics {
  readonly readyInstances: number;
  /**
   * Usage summed over the ready instances, averaged by the caller over its sampling period:
   * cpu in cores (1.5 = one and a half cores busy), memory in MiB.
   */
  readonly usage: number;
}

export interface HpaRecommendation {
  readonly at: number;
  readonly value: number;
}

export interface HpaState {
  /** Recommendations inside the stabilization window, oldest first. */
  readonly recommendations: readonly HpaRecommendation[];
  readonly initialized: boolean;
}

export interface HpaDecision {
  readonly desired: number;
  readonly state: HpaState;
  readonly reason: string;
  /** The unstabilized recommendation of this tick. */
  readonly recommendation: number;
  readonly scheduleFloor: number;
}

export function initialHpaState(spec: AutoscalingSpec, readyInstances = 0): HpaState {
  return { recommendations: [], initialized: initialScaleReached(spec, readyInstances) };
}

/** Usage one instance may have at the target: cores for cpu, MiB for memory. */
export function hpaTargetPerInstance(spec: AutoscalingSpec): number {
  return spec.metric === "cpu" ? spec.targetValue / 100 : spec.targetValue;
}

export function decideHpa(
  state: HpaState,
  metrics: HpaMetrics,
  spec: AutoscalingSpec,
  now: number,
): HpaDecision {
  if (spec.class !== "hpa") {
    throw new TypeError(`decideHpa() handles class hpa; use decide() for ${spec.class}`);
  }
  const ready = Number.isFinite(metrics.readyInstances) ? Math.max(0, Math.floor(metrics.readyInstances)) : 0;
  const usage = Number.isFinite(metrics.usage) ? Math.max(0, metrics.usage) : 0;
  const perInstance = hpaTargetPerInstance(spec);
  const unit = spec.metric === "cpu" ? "cores" : "MiB";
  const notes: string[] = [];

  let recommendation: number;
  let primary: string;
  if (ready === 0) {
    recommendation = 1;
    primary = `no ready instance to measure ${spec.metric} on`;
  } else {
    const ratio = usage / ready / perInstance;
    const measured = `${spec.metric} ${num(usage)} ${unit} over ${ready} ready = ${
      Math.round(ratio * 100)
    }% of the target ${num(perInstance)} ${unit} per instance`;
    if (Math.abs(ratio - 1) <= HPA_TOLERANCE) {
      recommendation = ready;
      primary = `${measured}, within the ${HPA_TOLERANCE * 100}% tolerance: keeping ${ready}`;
    } else {
      recommendation = Math.max(0, Math.ceil(ratio * ready - 1e-9));
      primary = `${measured}: recommends ${recommendation}`;
    }
  }

  // Stabilization: the window keeps recommendations strictly newer than now - window.
  const window = spec.stableWindowMs;
  const recommendations = [
    ...state.recommendations.filter((r) => r.at > now - window && r.at < now),
    { at: now, value: recommendation },
  ];
  const up = Math.min(...recommendations.map((r) => r.value));
  const down = Math.max(...recommendations.map((r) => r.value));
  let stabilized = ready;
  if (stabilized < up) stabilized = up;
  if (stabilized > down) stabilized = down;
  if (stabilized !== recommendation) {
    notes.push(
      `stabilization over ${formatDuration(window)} gives ${stabilized} (recommendations ${up}..${down})`,
    );
  }

  const initialized = state.initialized || initialScaleReached(spec, ready);
  const bounds = scaleBounds(spec, now, { reachable: true, initialized });
  let desired = applyBounds(stabilized, bounds);
  notes.push(...describeBounds(stabilized, bounds));
  if (desired < 1) {
    desired = 1;
    notes.push("the hpa class never scales below 1");
  }

  return {
    desired,
    state: { recommendations, initialized },
    reason: [`${desired} (${ready} ready): ${primary}`, ...notes].join("; "),
    recommendation,
    scheduleFloor: bounds.scheduleFloor,
  };
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}
