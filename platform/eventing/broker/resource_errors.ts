/** Turns the delivery module's validation error into the admin API's field errors. */
import type { FieldError } from "../../resources/field_errors.ts";
import { type DeliverySpec, parseDeliverySpec } from "../delivery/delivery_spec.ts";
import { DeliverySpecError } from "../delivery/delivery_spec_error.ts";

/** Validates a `delivery` block at `path`; the parsed spec, or the problems found. */
export function checkDelivery(
  input: unknown,
  path: string,
): { delivery?: DeliverySpec; errors: FieldError[] } {
  try {
    return { delivery: parseDeliverySpec(input, path), errors: [] };
  } catch (err) {
    if (!(err instanceof DeliverySpecError)) throw err;
    return { errors: err.issues.map((i) => ({ path: i.path, message: i.reason })) };
  }
}
