import { CesqlParseError, compile } from "../cesql/mod.ts";
import type { FieldError } from "../../resources/field_errors.ts";
import { fieldPath } from "./field_path.ts";
import { type Dialect, DIALECTS } from "./trigger_filter_spec.ts";

/** Knative's rule for attribute names in filters: lowercase alphanumeric, starting with a letter. */
const ATTRIBUTE_NAME = /^[a-z][a-z0-9]*$/;
/** How deep `all`, `any` and `not` may nest; keeps validation and evaluation recursion bounded. */
const MAX_NESTING = 32;

/**
 * Every problem in the filtering part of a Trigger spec (`filter` and `filters`), as field paths under
 * `path`. An empty list means the spec can be compiled; a document with problems is refused (4xx).
 */
export function validateTriggerFilterSpec(spec: unknown, path = "spec"): FieldError[] {
  if (!isObject(spec)) return [{ path, message: "must be an object" }];
  return [
    ...validateAttributesFilter(spec.filter, fieldPath(path, "filter")),
    ...validateFilters(spec.filters, fieldPath(path, "filters")),
  ];
}

/** Every problem in a `filters` list; `path` names the list itself, e.g. `spec.filters`. */
export function validateFilters(filters: unknown, path: string): FieldError[] {
  if (filters === undefined || filters === null) return [];
  if (!Array.isArray(filters)) return [{ path, message: "must be a list of filters" }];
  return filters.flatMap((filter, i) => validateFilter(filter, fieldPath(path, i), 1));
}

function validateAttributesFilter(filter: unknown, path: string): FieldError[] {
  if (filter === undefined || filter === null) return [];
  if (!isObject(filter)) return [{ path, message: "must be an object with an `attributes` map" }];
  const errors = Object.keys(filter)
    .filter((key) => key !== "attributes")
    .map((key) => ({ path: fieldPath(path, key), message: "unknown field; only `attributes` is allowed" }));
  return [...errors, ...validateAttributeValues(filter.attributes, fieldPath(path, "attributes"), false)];
}

function validateFilter(filter: unknown, path: string, depth: number): FieldError[] {
  if (!isObject(filter)) {
    return [{ path, message: `must be an object setting one dialect: ${DIALECTS.join(", ")}` }];
  }
  if (depth > MAX_NESTING) return [{ path, message: `filters may nest at most ${MAX_NESTING} levels deep` }];
  const errors: FieldError[] = [];
  const set = DIALECTS.filter((dialect) => isSet(dialect, filter[dialect]));
  if (set.length > 1) {
    errors.push({
      path,
      message: `multiple dialects found (${set.join(", ")}), filters can have only one dialect set`,
    });
  }
  for (const [key, value] of Object.entries(filter)) {
    const at = fieldPath(path, key);
    switch (key) {
      case "exact":
      case "prefix":
      case "suffix":
        errors.push(...validateAttributeValues(value, at, true));
        break;
      case "all":
      case "any":
        errors.push(...validateFilterList(value, at, depth));
        break;
      case "not":
        if (value !== null && value !== undefined) errors.push(...validateFilter(value, at, depth + 1));
        break;
      case "cesql":
        errors.push(...validateCesql(value, at));
        break;
      default:
        errors.push({ path: at, message: `unknown filter dialect; expected one of ${DIALECTS.join(", ")}` });
    }
  }
  return errors;
}

function validateFilterList(value: unknown, path: string, depth: number): FieldError[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) return [{ path, message: "must be a list of filters" }];
  return value.flatMap((filter, i) => validateFilter(filter, fieldPath(path, i), depth + 1));
}

/** `single`: Knative allows one attribute per `exact`, `prefix` or `suffix` element. */
function validateAttributeValues(value: unknown, path: string, single: boolean): FieldError[] {
  if (value === undefined || value === null) return [];
  if (!isObject(value)) return [{ path, message: "must be a map of attribute names to string values" }];
  const entries = Object.entries(value);
  const errors: FieldError[] = [];
  if (single && entries.length > 1) {
    errors.push({ path, message: `can hold only one attribute, found ${entries.length}` });
  }
  for (const [name, expected] of entries) {
    if (!ATTRIBUTE_NAME.test(name)) {
      errors.push({
        path: fieldPath(path, name),
        message: "attribute name must start with a letter and contain only lowercase letters and digits",
      });
    }
    if (typeof expected !== "string") {
      errors.push({ path: fieldPath(path, name), message: "must be a string" });
    }
  }
  return errors;
}

function validateCesql(value: unknown, path: string): FieldError[] {
  if (value === null || value === undefined) return [];
  if (typeof value !== "string") return [{ path, message: "must be a CESQL expression (a string)" }];
  if (value === "") return [];
  try {
    compile(value);
    return [];
  } catch (error) {
    if (!(error instanceof CesqlParseError)) throw error;
    return [{ path, message: `invalid CESQL expression: ${error.message}` }];
  }
}

/** Whether a dialect counts as set: Knative ignores empty maps, empty lists and the empty string. */
export function isSet(dialect: Dialect, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  switch (dialect) {
    case "exact":
    case "prefix":
    case "suffix":
      return !isObject(value) || Object.keys(value).length > 0;
    case "all":
    case "any":
      return !Array.isArray(value) || value.length > 0;
    case "not":
      return true;
    case "cesql":
      return value !== "";
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
