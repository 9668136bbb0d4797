/**
 * The least number of instances the activator's held requests need, whatever the metric windows
 * say: a request held at zero needs one now, and in event gateway mode (containerConcurrency 1) each
 * held request not already covered by a starting instance needs one more instead of queueing behind
 * a busy one. The autoscaler takes the maximum of this and its decision.
 */
export interface ActivatorDemand {
  /** Instances starting or ready. */
  live: number;
  starting: number;
  /** Requests the activator holds. */
  held: number;
}

export function activatorFloor(d: ActivatorDemand, containerConcurrency: number, maxScale: number): number {
  if (d.held === 0) return 0;
  if (d.live === 0) return 1;
  if (containerConcurrency !== 1) return 0;
  const need = d.live + Math.max(0, d.held - d.starting);
  return maxScale > 0 ? Math.min(need, maxScale) : need;
}
