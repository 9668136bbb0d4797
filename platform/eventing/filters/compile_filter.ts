import { type CloudEventAttributes, compile, evaluate } from "../cesql/mod.ts";
import { attributeText } from "./attribute_text.ts";
import { InvalidFilterError } from "./invalid_filter_error.ts";
import type { AttributeValues, SubscriptionsApiFilter, TriggerFilterSpec } from "./trigger_filter_spec.ts";
import { isSet, validateTriggerFilterSpec } from "./validate_filters.ts";

/** Decides whether an event (its attributes, extensions included) passes a Trigger's filters. */
export type EventPredicate = (event: CloudEventAttributes) => boolean;

/**
 * A compiled filter, or undefined for one that filters nothing. As in Knative, such a neutral filter is
 * skipped by `all` and `any`, stays neutral under `not`, and lets every event through at the top.
 */
type Compiled = EventPredicate | undefined;

const MATCH_ALL: EventPredicate = () => true;

/**
 * Compiles a Trigger's filtering (`filters` when non-empty, otherwise `filter.attributes`) into a predicate
 * that does no parsing per event. Throws `InvalidFilterError` when the spec does not validate.
 */
export function compileTriggerFilter(spec: TriggerFilterSpec): EventPredicate {
  const errors = validateTriggerFilterSpec(spec);
  if (errors.length > 0) throw new InvalidFilterError(errors);
  const compiled = spec.filters !== undefined && spec.filters.length > 0
    ? allOf(spec.filters)
    : attributesFilter(spec.filter?.attributes);
  return compiled ?? MATCH_ALL;
}

/** `filter.attributes`: every attribute present, and equal unless the expected value is "" (any value). */
function attributesFilter(attributes: AttributeValues | undefined): Compiled {
  const entries = Object.entries(attributes ?? {});
  if (entries.length === 0) return undefined;
  return (event) =>
    entries.every(([name, expected]) => {
      const actual = attributeText(event, name);
      return actual !== undefined && (expected === "" || actual === expected);
    });
}

function compileFilter(filter: SubscriptionsApiFilter): Compiled {
  if (isSet("exact", filter.exact)) return stringFilter(filter.exact, (actual, value) => actual === value);
  if (isSet("prefix", filter.prefix)) {
    return stringFilter(filter.prefix, (actual, value) => actual.startsWith(value));
  }
  if (isSet("suffix", filter.suffix)) {
    return stringFilter(filter.suffix, (actual, value) => actual.endsWith(value));
  }
  if (isSet("all", filter.all)) return allOf(filter.all ?? []);
  if (isSet("any", filter.any)) return anyOf(filter.any ?? []);
  if (isSet("not", filter.not) && filter.not !== undefined) return negation(compileFilter(filter.not));
  if (isSet("cesql", filter.cesql)) return cesqlFilter(filter.cesql ?? "");
  return undefined;
}

/**
 * `exact`, `prefix`, `suffix`: each attribute must be present and match. An empty expected value makes
 * Knative drop the whole filter (its constructor refuses it), so it is neutral here too.
 */
function stringFilter(
  values: AttributeValues | undefined,
  matches: (actual: string, expected: string) => boolean,
): Compiled {
  const entries = Object.entries(values ?? {});
  if (entries.some(([, expected]) => expected === "")) return undefined;
  return (event) =>
    entries.every(([name, expected]) => {
      const actual = attributeText(event, name);
      return actual !== undefined && matches(actual, expected);
    });
}

function allOf(filters: readonly SubscriptionsApiFilter[]): Compiled {
  const predicates = compileAll(filters);
  if (predicates.length <= 1) return predicates[0];
  return (event) => predicates.every((predicate) => predicate(event));
}

function anyOf(filters: readonly SubscriptionsApiFilter[]): Compiled {
  const predicates = compileAll(filters);
  if (predicates.length <= 1) return predicates[0];
  return (event) => predicates.some((predicate) => predicate(event));
}

function compileAll(filters: readonly SubscriptionsApiFilter[]): EventPredicate[] {
  return filters.map(compileFilter).filter((predicate) => predicate !== undefined);
}

function negation(inner: Compiled): Compiled {
  return inner === undefined ? undefined : (event) => !inner(event);
}

/** CESQL (spec section 1.2): the event passes only on a Boolean `true` with no error raised. */
function cesqlFilter(expression: string): Compiled {
  const compiled = compile(expression);
  return (event) => {
    const result = evaluate(compiled, event);
    return result.value === true && result.error === undefined;
  };
}
