/**
 * A queue-backed source's delivery policy: its `delivery` spec, or, without one, the quick retries
 * every Denative source uses (a Service that is starting is not lost to a single failed attempt).
 */
import type { DeliverySpec } from "../../delivery/delivery_spec.ts";
import { type DeliveryPolicy, resolveDeliveryPolicy } from "../../delivery/delivery_policy.ts";
import { SOURCE_DELIVERY_POLICY } from "../source_delivery.ts";

export function sourcePolicyOf(delivery: DeliverySpec | undefined): DeliveryPolicy {
  if (delivery === undefined) {
    return { retry: SOURCE_DELIVERY_POLICY.attempts - 1, ...SOURCE_DELIVERY_POLICY };
  }
  return resolveDeliveryPolicy(delivery);
}
