import type { DeliverySpec } from "./delivery_spec.ts";

/** A trigger's delivery settings, each falling back to its broker's when the trigger leaves it unset. */
export function mergeDelivery(
  trigger: DeliverySpec | undefined,
  broker: DeliverySpec | undefined,
): DeliverySpec {
  const own = trigger ?? {};
  const inherited = broker ?? {};
  const merged: DeliverySpec = {};
  const retry = own.retry ?? inherited.retry;
  const backoffPolicy = own.backoffPolicy ?? inherited.backoffPolicy;
  const backoffDelay = own.backoffDelay ?? inherited.backoffDelay;
  const timeout = own.timeout ?? inherited.timeout;
  const deadLetterSink = own.deadLetterSink ?? inherited.deadLetterSink;
  const format = own.format ?? inherited.format;
  if (retry !== undefined) merged.retry = retry;
  if (backoffPolicy !== undefined) merged.backoffPolicy = backoffPolicy;
  if (backoffDelay !== undefined) merged.backoffDelay = backoffDelay;
  if (timeout !== undefined) merged.timeout = timeout;
  if (deadLetterSink !== undefined) merged.deadLetterSink = deadLetterSink;
  if (format !== undefined) merged.format = format;
  return merged;
}
