/**
 * Trigger filters as zod shapes, for the OpenAPI only: validateTriggerFilterSpec checks them (with
 * Knative's messages), so documents take them as they are (`viewedAs`). Nested filters (`all`,
 * `any`, `not`) stay open, as in Knative's CRD.
 */
import { z } from "zod";

const Attributes = z.record(z.string(), z.string());

export const FilterShape = z.strictObject({
  attributes: Attributes.optional().describe(
    "CloudEvent attribute name to the exact value it must have; an empty value matches any.",
  ),
}).describe("Events pass when every listed attribute has the given value.");

export const SubscriptionsApiFilterShape = z.strictObject({
  exact: Attributes.optional().describe("Attributes that must equal these values."),
  prefix: Attributes.optional().describe("Attributes that must start with these values."),
  suffix: Attributes.optional().describe("Attributes that must end with these values."),
  all: z.array(z.looseObject({})).optional().describe("Filters that must all match."),
  any: z.array(z.looseObject({})).optional().describe("Filters of which at least one must match."),
  not: z.looseObject({}).optional().describe("A filter that must not match."),
  cesql: z.string().optional().describe("A CloudEvents SQL expression that must be true."),
}).describe("One filter: exactly one dialect (exact, prefix, suffix, all, any, not or cesql).");
