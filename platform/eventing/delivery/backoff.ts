import type { DeliveryPolicy } from "./delivery_policy.ts";

/**
 * Milliseconds to wait before retry number `retry` (1 for the first retry): linear `delay * retry`,
 * exponential `delay * 2^retry`, as Knative documents them.
 */
export function backoffDelayMs(
  policy: Pick<DeliveryPolicy, "backoffPolicy" | "backoffDelayMs">,
  retry: number,
): number {
  if (!Number.isInteger(retry) || retry < 1) {
    throw new RangeError(`retry number must be 1 or more, got ${retry}`);
  }
  return policy.backoffPolicy === "linear"
    ? policy.backoffDelayMs * retry
    : policy.backoffDelayMs * 2 ** retry;
}
