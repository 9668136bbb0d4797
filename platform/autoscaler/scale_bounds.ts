/**
 * The bounds a reactive decision is clamped into (Knative's `scaler.scale` + `applyBounds`), extended with
 * Denative's schedule floor: min = max(min-scale, schedule floor, initial-scale until first reached), capped by
 * max-scale (0 = unlimited). An unreachable revision (no route sends it traffic) ignores min-scale, the
 * schedule and initial-scale, as Knative ignores min-scale for it.
 */

import type { AutoscalingSpec } from "./autoscaling_spec.ts";
import { describeWindow, scheduleFloor, type ScheduleWindow } from "./schedule.ts";

export interface ScaleBounds {
  /** Effective minimum. */
  readonly min: number;
  /** Effective maximum, 0 = unlimited. */
  readonly max: number;
  readonly minScale: number;
  readonly scheduleFloor: number;
  readonly scheduleWindows: readonly ScheduleWindow[];
  /** initial-scale raised the minimum (not yet reached once). */
  readonly initialScaleApplies: boolean;
}

export interface BoundsContext {
  readonly reachable: boolean;
  /** initial-scale has been reached once (Knative's ScaleTargetInitialized). */
  readonly initialized: boolean;
}

/** Whether `readyInstances` reaches the count a new revision must reach once before initial-scale stops applying. */
export function initialScaleReached(spec: AutoscalingSpec, readyInstances: number): boolean {
  return readyInstances >= Math.max(spec.minScale, spec.initialScale);
}

export function scaleBounds(spec: AutoscalingSpec, now: number, context: BoundsContext): ScaleBounds {
  const minScale = context.reachable ? spec.minScale : 0;
  const schedule = context.reachable ? scheduleFloor(spec.schedule, now) : { floor: 0, active: [] };
  const initialScaleApplies = context.reachable && !context.initialized && spec.initialScale > 1;
  const min = Math.max(minScale, schedule.floor, initialScaleApplies ? spec.initialScale : 0);
  return {
    min,
    max: spec.maxScale,
    minScale,
    scheduleFloor: schedule.floor,
    scheduleWindows: schedule.active,
    initialScaleApplies,
  };
}

/** Clamps `value` into the bounds (the maximum wins over a minimum above it). */
export function applyBounds(value: number, bounds: Pick<ScaleBounds, "min" | "max">): number {
  let out = Math.max(value, bounds.min);
  if (bounds.max !== 0 && out > bounds.max) out = bounds.max;
  return out;
}

/** Notes for the reason line explaining how the bounds changed `value`, empty if they did not. */
export function describeBounds(value: number, bounds: ScaleBounds): string[] {
  const bounded = applyBounds(value, bounds);
  if (bounded === value) return [];
  if (bounds.max !== 0 && bounded === bounds.max && value > bounds.max) {
    return [`max-scale ${bounds.max} caps ${value}`];
  }
  if (bounds.max !== 0 && bounded === bounds.max && bounds.min > bounds.max) {
    const why = minCause(bounds);
    return [`${why} would raise ${value} to ${bounds.min}, capped by max-scale ${bounds.max}`];
  }
  return [`${minCause(bounds)} raises ${value} to ${bounded}`];
}

function minCause(bounds: ScaleBounds): string {
  if (bounds.initialScaleApplies && bounds.min > Math.max(bounds.minScale, bounds.scheduleFloor)) {
    return `initial-scale ${bounds.min} (not reached yet)`;
  }
  if (bounds.scheduleFloor === bounds.min && bounds.scheduleFloor > bounds.minScale) {
    const windows = bounds.scheduleWindows.filter((w) => w.minScale === bounds.scheduleFloor);
    return `schedule window ${windows.map(describeWindow).join(", ")}`;
  }
  return `min-scale ${bounds.minScale}`;
}
