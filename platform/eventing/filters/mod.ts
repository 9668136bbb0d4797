/** Knative Trigger filters: validate a spec's `filter` / `filters`, compile them once, match events. */
export { compileTriggerFilter, type EventPredicate } from "./compile_filter.ts";
export { InvalidFilterError } from "./invalid_filter_error.ts";
export type { AttributeValues, SubscriptionsApiFilter, TriggerFilterSpec } from "./trigger_filter_spec.ts";
export { validateFilters, validateTriggerFilterSpec } from "./validate_filters.ts";
export type { FieldError } from "../../resources/field_errors.ts";
