import type { CesqlErrorKind } from "./errors.ts";
import type { CesqlType, CesqlValue } from "./value.ts";

/** A parameter's type; `Any` parameters take their argument as it is, without implicit casting. */
export type ParameterType = CesqlType | "Any";

/** How a function reports an error: it still returns a value of its return type (section 3.5.3). */
export type ReportError = (kind: CesqlErrorKind, message: string) => void;

/**
 * A CESQL function (section 3.5). Arguments arrive already cast to the parameter types; `variadic` is the type
 * of any arguments after the fixed ones, absent for a function of fixed arity.
 */
export interface CesqlFunction {
  /** Upper case: function names are case-insensitive. */
  readonly name: string;
  readonly parameters: readonly ParameterType[];
  readonly variadic?: ParameterType;
  readonly returns: CesqlType;
  readonly call: (args: readonly CesqlValue[], report: ReportError) => CesqlValue;
}

export function parameterType(fn: CesqlFunction, index: number): ParameterType {
  return fn.parameters[index] ?? fn.variadic ?? "Any";
}
