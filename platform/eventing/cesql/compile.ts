import type { Expression } from "./ast.ts";
import type { CloudEventAttributes } from "./attribute_value.ts";
import { evaluateExpression, type EvaluationResult } from "./evaluate.ts";
import { parse } from "./parser.ts";

/** A CESQL expression parsed once, ready to be evaluated over any number of events. */
export interface CompiledExpression {
  readonly expression: string;
  readonly ast: Expression;
}

/** Parses `expression`; throws `CesqlParseError` (with the offending position) when it is not valid CESQL. */
export function compile(expression: string): CompiledExpression {
  return { expression, ast: parse(expression) };
}

/** Evaluates a compiled expression over an event's attributes (extensions included; `data` is ignored). */
export function evaluate(compiled: CompiledExpression, event: CloudEventAttributes): EvaluationResult {
  return evaluateExpression(compiled.ast, event);
}
