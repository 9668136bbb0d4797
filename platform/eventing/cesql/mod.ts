/** CloudEvents SQL (CESQL) v1: compile an expression once, evaluate it over many events. */
export { compile, type CompiledExpression, evaluate } from "./compile.ts";
export type { EvaluationResult } from "./evaluate.ts";
export { CesqlError, type CesqlErrorKind, CesqlParseError } from "./errors.ts";
export type { CesqlType, CesqlValue } from "./value.ts";
export type { Expression } from "./ast.ts";
export { type CloudEventAttributes, readAttribute } from "./attribute_value.ts";
