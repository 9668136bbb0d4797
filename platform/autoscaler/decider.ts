/**
 * The KPA decider: Knative's `autoscaler.Scale` (pkg/autoscaler/scaling/autoscaler.go) followed by the KPA
 * reconciler's bounds and scale-to-zero handling (pkg/reconciler/autoscaling/kpa/scaler.go), as one pure
 * function over an immutable state. Call it every tick (2 s) and whenever the activator pokes a revision that
 * is at zero; pass the time in.
 *
 * Per tick:
 * 1. desiredStable = ceil(stableAvg / target), desiredPanic = ceil(panicAvg / target), each clamped to
 *    [floor(ready / maxScaleDownRate), ceil(maxScaleUpRate x ready)] with ready = max(1, ready instances)
 *    (the lower clamp is 0 for an unreachable revision); activation-scale raises either when it is non-zero.
 * 2. Panic starts when ceil(panicAvg / target) / ready >= panic threshold; every such tick extends it; it ends
 *    on the first tick more than a stable window after the last one over the threshold. In panic the decision
 *    is max(stable, panic) and never goes down.
 * 3. scale-down-delay: the decision is the maximum over the trailing delay.
 * 4. Bounds: min-scale, the schedule floor and initial-scale (until first reached), then max-scale.
 * 5. Scale to zero, only when the bounded decision is 0 and enable-scale-to-zero is on: the revision must
 *    have been active for a whole stable window (a 0 from the stable average already means a whole stable
 *    window without traffic), then it turns inactive (the activator takes the path) keeping 1 instance for
 *    max(grace period, scale-to-zero-pod-retention-period), then goes to 0.
 */

import { type AutoscalingSpec } from "./autoscaling_spec.ts";
import { type DelayEntry, recordDelay } from "./delay_window.ts";
import { formatDuration } from "./duration.ts";
import { applyBounds, describeBounds, initialScaleReached, scaleBounds } from "./scale_bounds.ts";

/** active: serving; inactive: no traffic, activator in the path, last instance kept for a while; zero: none. */
export type DeciderPhase = "active" | "inactive" | "zero";

export interface DeciderState {
  /** Time of the last tick over the panic threshold; null when not panicking (Knative's panicTime). */
  readonly panicTime: number | null;
  /** Highest decision of the current panic (Knative's maxPanicPods). */
  readonly maxPanicInstances: number;
  /** scale-down-delay history. */
  readonly delayWindow: readonly DelayEntry[];
  readonly phase: DeciderPhase;
  /** When the current phase began. */
  readonly phaseSince: number;
  /** initial-scale has been reached once. */
  readonly initialized: boolean;
}

export interface DeciderMetrics {
  /** Instances ready to take requests now. */
  readonly readyInstances: number;
  /** Average over the stable window of the spec's metric, summed over instances (see MetricWindow). */
  readonly stableValue: number;
  /** Average over the panic window. */
  readonly panicValue: number;
  /** False when no route sends the revision traffic: min-scale, schedule and retention are ignored. */
  readonly reachable?: boolean;
}

export interface DecisionDetail {
  readonly targetValue: number;
  /** ceil(stableAvg / target) before clamps. */
  readonly rawStable: number;
  readonly rawPanic: number;
  readonly maxScaleUp: number;
  readonly maxScaleDown: number;
  /** After rate clamps and activation-scale. */
  readonly desiredStable: number;
  readonly desiredPanic: number;
  /** After panic and scale-down-delay, before bounds. */
  readonly reactive: number;
  readonly min: number;
  readonly max: number;
}

export interface Decision {
  /** Instances to run. */
  readonly desired: number;
  /** Pass back to the next call. */
  readonly state: DeciderState;
  /** One human-readable line for logs. */
  readonly reason: string;
  readonly panicking: boolean;
  /**
   * Knative's EBC: floor(ready x total - target-burst-capacity - panicAvg); 0 when the burst capacity is 0,
   * -1 when it is -1. Negative means the activator should stay in the request path.
   */
  readonly excessBurstCapacity: number;
  readonly phase: DeciderPhase;
  /** The schedule floor in force (0 if none). */
  readonly scheduleFloor: number;
  readonly detail: DecisionDetail;
}

/**
 * The state for a revision's first tick. Like Knative, an autoscaler that starts with more than one instance
 * ready starts in panic, holding that count until it has a stable window of data. initial-scale 0 starts at zero.
 */
export function initialDeciderState(now: number, spec: AutoscalingSpec, readyInstances = 0): DeciderState {
  const atZero = spec.initialScale === 0 && readyInstances === 0;
  return {
    panicTime: readyInstances > 1 ? now : null,
    maxPanicInstances: readyInstances > 1 ? readyInstances : 0,
    delayWindow: [],
    phase: atZero ? "zero" : "active",
    phaseSince: now,
    initialized: initialScaleReached(spec, readyInstances),
  };
}

export function decide(
  state: DeciderState,
  metrics: DeciderMetrics,
  spec: AutoscalingSpec,
  now: number,
): Decision {
  if (spec.class !== "kpa") {
    throw new TypeError(`decide() handles class kpa; use decideHpa() for ${spec.class}`);
  }
  const ready = Math.max(0, Math.floor(finite(metrics.readyInstances)));
  const reachable = metrics.reachable ?? true;
  const readyForRates = Math.max(1, ready);
  const unit = spec.metric === "rps" ? "rps" : "concurrency";
  const stableValue = Math.max(0, finite(metrics.stableValue));
  const panicValue = Math.max(0, finite(metrics.panicValue));
  const notes: string[] = [];

  // 1. Stable and panic counts, clamped by the rates.
  const maxScaleUp = Math.ceil(spec.maxScaleUpRate * readyForRates);
  const maxScaleDown = reachable ? Math.floor(readyForRates / spec.maxScaleDownRate) : 0;
  const rawStable = Math.ceil(stableValue / spec.targetValue);
  const rawPanic = Math.ceil(panicValue / spec.targetValue);
  let desiredStable = clamp(rawStable, maxScaleDown, maxScaleUp);
  let desiredPanic = clamp(rawPanic, maxScaleDown, maxScaleUp);
  if (spec.activationScale > 1) {
    if (rawStable > 0 && spec.activationScale > desiredStable) desiredStable = spec.activationScale;
    if (rawPanic > 0 && spec.activationScale > desiredPanic) desiredPanic = spec.activationScale;
  }

  // 2. Panic.
  const panicRatio = rawPanic / readyForRates;
  const overThreshold = panicRatio >= spec.panicThreshold;
  let panicTime = state.panicTime;
  let maxPanic = state.maxPanicInstances;
  const panicDemand = `panic ${unit} ${num(panicValue)} over ${
    formatDuration(spec.panicWindowMs)
  } needs ${rawPanic} = ${pct(panicRatio)} of ${readyForRates} ready (threshold ${pct(spec.panicThreshold)})`;
  if (overThreshold) {
    if (panicTime === null) notes.push("entering panic");
    panicTime = now;
  } else if (panicTime !== null && panicTime + spec.stableWindowMs < now) {
    notes.push(`leaving panic: nothing over the threshold since ${formatDuration(now - panicTime)} ago`);
    panicTime = null;
    maxPanic = 0;
  }

  const stableLine = `stable ${unit} ${num(stableValue)} over ${
    formatDuration(spec.stableWindowMs)
  } / target ${num(spec.targetValue)} = ${rawStable}${
    describeClamp(rawStable, desiredStable, maxScaleDown, maxScaleUp, ready, spec.activationScale)
  }`;
  let reactive = desiredStable;
  let primary = stableLine;
  if (panicTime !== null) {
    const wanted = Math.max(desiredStable, desiredPanic);
    if (wanted > maxPanic) maxPanic = wanted;
    reactive = maxPanic;
    primary = `panic mode (${panicDemand}; ${stableLine}): ${
      wanted < maxPanic ? `not scaling down from ${maxPanic}` : `max(stable, panic) = ${wanted}`
    }`;
  }

  // 3. scale-down-delay.
  let delayWindow: readonly DelayEntry[] = [];
  if (reachable && spec.scaleDownDelayMs > 0) {
    const delayed = recordDelay(state.delayWindow, now, reactive, spec.scaleDownDelayMs, spec.tickIntervalMs);
    delayWindow = delayed.entries;
    if (delayed.max !== reactive) {
      notes.push(
        `scale-down-delay ${
          formatDuration(spec.scaleDownDelayMs)
        } keeps ${delayed.max} instead of ${reactive}`,
      );
      reactive = delayed.max;
    }
  }

  // Burst capacity, from the panic average like Knative.
  let excessBurstCapacity = -1;
  if (spec.targetBurstCapacity === 0) excessBurstCapacity = 0;
  else if (spec.targetBurstCapacity > 0) {
    excessBurstCapacity = Math.floor(ready * spec.totalValue - spec.targetBurstCapacity - panicValue);
  }

  // 4. Bounds.
  const initialized = state.initialized || initialScaleReached(spec, ready);
  const bounds = scaleBounds(spec, now, { reachable, initialized });
  const bounded = applyBounds(reactive, bounds);
  notes.push(...describeBounds(reactive, bounds));

  // 5. Scale to zero.
  let phase = state.phase;
  let phaseSince = state.phaseSince;
  let desired = bounded;
  if (bounded > 0) {
    if (phase !== "active") {
      notes.push(`waking from ${phase === "zero" ? "zero" : "inactive"}`);
      phase = "active";
      phaseSince = now;
    }
  } else if (!spec.enableScaleToZero) {
    desired = 1;
    notes.push("scale to zero is disabled, keeping 1");
  } else {
    if (phase === "active") {
      const activeFor = now - phaseSince;
      if (activeFor >= spec.stableWindowMs) {
        phase = "inactive";
        phaseSince = now;
        notes.push(`no traffic for a whole stable window: inactive, the activator takes the path`);
      } else {
        desired = 1;
        notes.push(
          `no traffic, but active for only ${formatDuration(activeFor)}: keeping 1 for ${
            formatDuration(spec.stableWindowMs - activeFor)
          } more`,
        );
      }
    }
    if (phase === "inactive") {
      const retention = reachable ? spec.scaleToZeroPodRetentionPeriodMs : 0;
      const hold = Math.max(spec.scaleToZeroGracePeriodMs, retention);
      const inactiveFor = now - phaseSince;
      if (inactiveFor >= hold) {
        phase = "zero";
        phaseSince = now;
        notes.push(`scaling to zero after ${formatDuration(inactiveFor)} inactive`);
      } else {
        desired = 1;
        const which = retention > spec.scaleToZeroGracePeriodMs ? "pod retention period" : "grace period";
        notes.push(
          `inactive: keeping the last instance for the ${which}, ${formatDuration(hold - inactiveFor)} more`,
        );
      }
    }
    if (phase === "zero") {
      if (state.phase === "zero") notes.push(`at zero for ${formatDuration(now - phaseSince)}`);
      desired = 0;
    }
  }

  const reason = [`${desired} (${ready} ready): ${primary}`, ...notes].join("; ");
  return {
    desired,
    state: { panicTime, maxPanicInstances: maxPanic, delayWindow, phase, phaseSince, initialized },
    reason,
    panicking: panicTime !== null,
    excessBurstCapacity,
    phase,
    scheduleFloor: bounds.scheduleFloor,
    detail: {
      targetValue: spec.targetValue,
      rawStable,
      rawPanic,
      maxScaleUp,
      maxScaleDown,
      desiredStable,
      desiredPanic,
      reactive,
      min: bounds.min,
      max: bounds.max,
    },
  };
}

function finite(n: number): number {
  return Number.isFinite(n) ? n : 0;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

function describeClamp(
  raw: number,
  clamped: number,
  maxScaleDown: number,
  maxScaleUp: number,
  ready: number,
  activationScale: number,
): string {
  if (raw === clamped) return "";
  if (raw > 0 && clamped === activationScale && clamped > clamp(raw, maxScaleDown, maxScaleUp)) {
    return `, raised to activation-scale ${activationScale}`;
  }
  if (raw > maxScaleUp) return `, limited to ${clamped} by max-scale-up-rate (${ready} ready)`;
  return `, limited to ${clamped} by max-scale-down-rate (${ready} ready)`;
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

function pct(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}
