/**
 * Whether a revision's activator stays in its request path, by Knative's target-burst-capacity
 * (TBC): -1 keeps it in always; 0 only at zero (the pool holds requests there anyway); otherwise it
 * is in while the excess burst capacity, ready × per-instance capacity − TBC − the panic-window
 * concurrency (decide() computes it at each tick), is negative, and leaves once there is room for
 * a burst of TBC more requests. The hpa class has no burst capacity: its activator is in only at zero.
 */
import type { AutoscalingSpec } from "./autoscaling_spec.ts";

export interface ActivatorPathDecision {
  inPath: boolean;
  /** For the log line when it changes. */
  why: string;
}

export function activatorPath(spec: AutoscalingSpec, excessBurstCapacity: number): ActivatorPathDecision {
  if (spec.class === "hpa") return { inPath: false, why: "the hpa class keeps it in the path only at zero" };
  if (spec.targetBurstCapacity === -1) return { inPath: true, why: "target-burst-capacity -1" };
  if (spec.targetBurstCapacity === 0) return { inPath: false, why: "target-burst-capacity 0 (only at zero)" };
  return {
    inPath: excessBurstCapacity < 0,
    why: `excess burst capacity ${excessBurstCapacity} (target-burst-capacity ${spec.targetBurstCapacity})`,
  };
}
