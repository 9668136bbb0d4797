import {
  type BackoffPolicy,
  type DeliverySpec,
  type Destination,
  parseDeliverySpec,
} from "./delivery_spec.ts";
import { parseIsoDuration } from "./iso8601_duration.ts";

/** A delivery spec resolved into the numbers a sender works with. */
export interface DeliveryPolicy {
  retry: number;
  /** retry + 1: the first try plus every retry. */
  attempts: number;
  backoffPolicy: BackoffPolicy;
  backoffDelayMs: number;
  /** Per-attempt timeout; undefined means attempts are not cut short. */
  timeoutMs?: number;
  deadLetterSink?: Destination;
  format?: "json" | "binary";
}

/** The policy used when a backoffDelay is given without a backoffPolicy. */
export const DEFAULT_BACKOFF_POLICY: BackoffPolicy = "exponential";

/**
 * Resolves a delivery spec (validated here, so errors carry field paths below `path`). Without `retry` there
 * is a single attempt; without `backoffDelay` retries follow each other without waiting.
 */
export function resolveDeliveryPolicy(spec: DeliverySpec = {}, path = "spec.delivery"): DeliveryPolicy {
  const checked = parseDeliverySpec(spec, path);
  const retry = checked.retry ?? 0;
  const policy: DeliveryPolicy = {
    retry,
    attempts: retry + 1,
    backoffPolicy: checked.backoffPolicy ?? DEFAULT_BACKOFF_POLICY,
    backoffDelayMs: checked.backoffDelay === undefined ? 0 : parseIsoDuration(checked.backoffDelay),
  };
  if (checked.timeout !== undefined) policy.timeoutMs = parseIsoDuration(checked.timeout);
  if (checked.deadLetterSink !== undefined) policy.deadLetterSink = checked.deadLetterSink;
  if (checked.format !== undefined) policy.format = checked.format;
  return policy;
}
