/**
 * Denative's autoscaling decisions: pure modules, no I/O, no clock (`now` is always a parameter).
 *
 * Wiring, per revision:
 * 1. `parseAutoscalingSpec({ annotations, containerConcurrency }, defaults)` when the revision is created or
 *    changed; answer 4xx with the field errors if it fails.
 * 2. kpa: keep a `MetricWindow(spec.stableWindowMs)` fed with concurrency (or requests for rps) each second,
 *    and a `DeciderState` from `initialDeciderState(now, spec, ready)`. Every `spec.tickIntervalMs`, and at
 *    once when the activator holds a request for a revision at zero, call
 *    `decide(state, { readyInstances, ...window.averages(now, spec) }, spec, now)`, keep `decision.state`,
 *    scale to `decision.desired`, and keep the activator in the path as
 *    `activatorPath(spec, decision.excessBurstCapacity)` says (always at zero).
 * 3. hpa: `decideHpa(state, { readyInstances, usage }, spec, now)` with `initialHpaState(spec, ready)`.
 */

export * from "./autoscaling_spec.ts";
export * from "./decider.ts";
export * from "./delay_window.ts";
export * from "./duration.ts";
export * from "./hpa_decider.ts";
export * from "./metric_window.ts";
export * from "./scale_bounds.ts";
export * from "./schedule.ts";
export { isValidTimeZone, parseScheduleAnnotation, type ScheduleParseResult } from "./schedule_annotation.ts";
