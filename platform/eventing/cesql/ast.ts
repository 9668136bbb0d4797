import type { CesqlFunction } from "./cesql_function.ts";
import type { LikePattern } from "./like_pattern.ts";
import type { CesqlValue } from "./value.ts";

export type LogicOperator = "AND" | "OR" | "XOR";
export type ComparisonOperator = "=" | "!=" | "<" | "<=" | ">" | ">=";
export type ArithmeticOperator = "+" | "-" | "*" | "/" | "%";
export type BinaryOperator = LogicOperator | ComparisonOperator | ArithmeticOperator;

/**
 * A parsed CESQL expression. `position` is the offset in the expression text of the node's operator, name or
 * literal, which is where an error raised by the node points. `<>` is stored as `!=`, attribute names in lower
 * case, function calls already resolved to their overload.
 */
export type Expression =
  | { readonly kind: "literal"; readonly position: number; readonly value: CesqlValue }
  | { readonly kind: "attribute"; readonly position: number; readonly name: string }
  | { readonly kind: "exists"; readonly position: number; readonly name: string }
  | { readonly kind: "not"; readonly position: number; readonly operand: Expression }
  | { readonly kind: "negate"; readonly position: number; readonly operand: Expression }
  | {
    readonly kind: "binary";
    readonly position: number;
    readonly operator: BinaryOperator;
    readonly left: Expression;
    readonly right: Expression;
  }
  | {
    readonly kind: "like";
    readonly position: number;
    readonly operand: Expression;
    readonly pattern: LikePattern;
    readonly negated: boolean;
  }
  | {
    readonly kind: "in";
    readonly position: number;
    readonly operand: Expression;
    readonly set: readonly Expression[];
    readonly negated: boolean;
  }
  | {
    readonly kind: "call";
    readonly position: number;
    readonly name: string;
    readonly args: readonly Expression[];
    /** Undefined when no function of that name takes that many arguments: evaluation then fails. */
    readonly fn: CesqlFunction | undefined;
  };
