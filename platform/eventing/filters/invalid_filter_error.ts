import type { FieldError } from "../../resources/field_errors.ts";

/** Thrown by `compileTriggerFilter` for a spec that fails validation; `errors` lists every problem. */
export class InvalidFilterError extends Error {
  readonly errors: readonly FieldError[];

  constructor(errors: readonly FieldError[]) {
    super(`invalid trigger filter: ${errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`);
    this.name = "InvalidFilterError";
    this.errors = errors;
  }
}
