/** Attribute name to expected value, as in `exact`, `prefix`, `suffix` and `filter.attributes`. */
export type AttributeValues = Readonly<Record<string, string>>;

/**
 * One element of a Trigger's `spec.filters` (Knative's SubscriptionsAPIFilter): exactly one dialect is set.
 * Unset, empty maps, empty lists and the empty string all count as "not set", as in Knative.
 */
export interface SubscriptionsApiFilter {
  readonly exact?: AttributeValues;
  readonly prefix?: AttributeValues;
  readonly suffix?: AttributeValues;
  readonly all?: readonly SubscriptionsApiFilter[];
  readonly any?: readonly SubscriptionsApiFilter[];
  readonly not?: SubscriptionsApiFilter;
  readonly cesql?: string;
}

/** The filtering part of a Trigger's spec; a non-empty `filters` overrides `filter`. */
export interface TriggerFilterSpec {
  readonly filter?: { readonly attributes?: AttributeValues };
  readonly filters?: readonly SubscriptionsApiFilter[];
}

export const DIALECTS = ["exact", "prefix", "suffix", "all", "any", "not", "cesql"] as const;
export type Dialect = typeof DIALECTS[number];
