/**
 * Cluster mode: a revision's scale bounds are cluster-wide, and every node autoscales its own
 * instances, so each node takes its share of min-scale, max-scale, initial-scale and schedule
 * floors: the bound divided by the ready nodes, rounded up (never below what the bound asks for
 * in total, and 0 and "unlimited" stay as they are).
 */
import type { AutoscalingSpec } from "./autoscaling_spec.ts";

export function nodeShare(spec: AutoscalingSpec, readyNodes: number): AutoscalingSpec {
  const n = Math.max(1, Math.floor(readyNodes));
  if (n === 1) return spec;
  const share = (v: number) => v > 0 ? Math.ceil(v / n) : v;
  return {
    ...spec,
    minScale: share(spec.minScale),
    maxScale: share(spec.maxScale),
    initialScale: share(spec.initialScale),
    schedule: spec.schedule.map((w) => ({ ...w, minScale: share(w.minScale) })),
  };
}
