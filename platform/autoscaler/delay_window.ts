/**
 * `scale-down-delay`: the decision becomes the maximum of the decisions over the trailing delay, so a scale
 * down only happens once the lower count has held for the whole delay. Mirrors Knative's `max.TimeWindow`
 * (a descending-maxima window): time is cut into tick-sized buckets (`floor(now / tick)`), the window is
 * `ceil(delay / tick)` buckets long, and an entry stops counting once the current bucket is that many buckets
 * past it. Immutable: `recordDelay` returns new entries.
 */

export interface DelayEntry {
  /** Tick bucket the value was recorded in. */
  readonly bucket: number;
  readonly value: number;
}

export interface DelayResult {
  /** Descending maxima, oldest first: what to keep in the decider state. */
  readonly entries: readonly DelayEntry[];
  /** The maximum over the trailing delay, including `value`. */
  readonly max: number;
}

/** Records `value` at `now` and returns the maximum over the trailing `delayMs`. */
export function recordDelay(
  entries: readonly DelayEntry[],
  now: number,
  value: number,
  delayMs: number,
  tickMs: number,
): DelayResult {
  const length = Math.ceil(delayMs / tickMs);
  if (length <= 0) return { entries: [], max: value };
  const bucket = Math.floor(now / tickMs);
  const kept = entries.filter((entry) => entry.bucket <= bucket && bucket - entry.bucket < length);
  let newValue = value;
  if (kept.length > 0 && kept[kept.length - 1].bucket === bucket) {
    // Two decisions in the same tick: keep the larger.
    newValue = Math.max(newValue, kept.pop()!.value);
  }
  // Entries no larger than the new value can never be the maximum again.
  while (kept.length > 0 && kept[kept.length - 1].value <= newValue) kept.pop();
  kept.push({ bucket, value: newValue });
  return { entries: kept, max: kept[0].value };
}
