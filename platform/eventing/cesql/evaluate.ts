import type { ArithmeticOperator, Expression } from "./ast.ts";
import { type CloudEventAttributes, readAttribute } from "./attribute_value.ts";
import { castFailureMessage, implicitCast } from "./cast.ts";
import { parameterType } from "./cesql_function.ts";
import { CesqlError, type CesqlErrorKind } from "./errors.ts";
import { type CesqlType, type CesqlValue, INT32_MAX, INT32_MIN, typeOf, zeroValue } from "./value.ts";

/** The outcome of an evaluation: always a value, plus the errors raised on the way (section 3.3). */
export interface EvaluationResult {
  readonly value: CesqlValue;
  /** The first error raised, if any. */
  readonly error?: CesqlError;
  readonly errors: readonly CesqlError[];
}

/**
 * Evaluates a parsed expression over an event. Errors never interrupt the evaluation as a whole, but they
 * decide values: an operator or function whose operand raised an error (a missing attribute, a division by
 * zero, ...) returns the zero value of its return type without computing anything, while a failed implicit
 * cast of an operand substitutes the zero value of the target type and the operator goes on.
 */
export function evaluateExpression(expression: Expression, event: CloudEventAttributes): EvaluationResult {
  const evaluation = new Evaluation(event);
  const value = evaluation.evaluate(expression);
  const errors = evaluation.errors;
  return errors.length === 0 ? { value, errors } : { value, error: errors[0], errors };
}

const FAILED = Symbol("failed");
type Outcome = CesqlValue | typeof FAILED;

class Evaluation {
  readonly errors: CesqlError[] = [];
  readonly #event: CloudEventAttributes;

  constructor(event: CloudEventAttributes) {
    this.#event = event;
  }

  evaluate(node: Expression): CesqlValue {
    switch (node.kind) {
      case "literal":
        return node.value;
      case "attribute": {
        const value = readAttribute(this.#event, node.name);
        if (value !== undefined) return value;
        this.#fail("missingAttribute", `the event has no attribute '${node.name}'`, node);
        // Only seen at the top level, where the type cannot be inferred: Boolean is assumed (section 3.2).
        return false;
      }
      case "exists":
        return readAttribute(this.#event, node.name) !== undefined;
      case "not": {
        const operand = this.#operand(node.operand, "Boolean");
        return operand === FAILED ? false : !operand;
      }
      case "negate": {
        const operand = this.#operand(node.operand, "Integer");
        return operand === FAILED ? 0 : this.#int32(-operand, node);
      }
      case "like": {
        const operand = this.#operand(node.operand, "String");
        if (operand === FAILED) return false;
        return node.pattern.matches(operand as string) !== node.negated;
      }
      case "in":
        return this.#in(node);
      case "call":
        return this.#call(node);
      case "binary":
        return this.#binary(node);
    }
  }

  #binary(node: Extract<Expression, { kind: "binary" }>): CesqlValue {
    const { operator, left, right } = node;
    switch (operator) {
      case "AND":
      case "OR": {
        const l = this.#operand(left, "Boolean");
        if (l === FAILED) return false;
        // Short circuit (section 3.4.2): AND stops at false, OR at true, without evaluating the right side.
        if (operator === "AND" ? !l : l) return l;
        const r = this.#operand(right, "Boolean");
        return r === FAILED ? false : r;
      }
      case "XOR": {
        const l = this.#operand(left, "Boolean");
        if (l === FAILED) return false;
        const r = this.#operand(right, "Boolean");
        return r === FAILED ? false : l !== r;
      }
      case "=":
      case "!=": {
        const l = this.#child(left);
        if (l === FAILED) return false;
        const r = this.#child(right);
        if (r === FAILED) return false;
        // `=` is overloaded for every type: the right operand's type picks the overload (section 3.7).
        const equal = this.#cast(l, typeOf(r), left) === r;
        return operator === "=" ? equal : !equal;
      }
      case "<":
      case "<=":
      case ">":
      case ">=": {
        const l = this.#operand(left, "Integer");
        if (l === FAILED) return false;
        const r = this.#operand(right, "Integer");
        if (r === FAILED) return false;
        return compare(operator, l as number, r as number);
      }
      default: {
        const l = this.#operand(left, "Integer");
        if (l === FAILED) return 0;
        const r = this.#operand(right, "Integer");
        if (r === FAILED) return 0;
        return this.#arithmetic(operator, l as number, r as number, node);
      }
    }
  }

  /** The set elements are cast to the type of the left operand (section 3.7). */
  #in(node: Extract<Expression, { kind: "in" }>): CesqlValue {
    const operand = this.#child(node.operand);
    if (operand === FAILED) return false;
    const values: CesqlValue[] = [];
    for (const element of node.set) {
      const value = this.#child(element);
      if (value === FAILED) return false;
      values.push(value);
    }
    const type = typeOf(operand);
    let found = false;
    for (let i = 0; i < values.length; i++) {
      if (this.#cast(values[i], type, node.set[i]) === operand) found = true;
    }
    return found !== node.negated;
  }

  #call(node: Extract<Expression, { kind: "call" }>): CesqlValue {
    const fn = node.fn;
    if (fn === undefined) {
      const count = node.args.length;
      this.#fail("missingFunction", `no function ${node.name} takes ${count} argument(s)`, node);
      return false;
    }
    const args: CesqlValue[] = [];
    for (let i = 0; i < node.args.length; i++) {
      const type = parameterType(fn, i);
      const arg = type === "Any" ? this.#child(node.args[i]) : this.#operand(node.args[i], type);
      if (arg === FAILED) return zeroValue(fn.returns);
      args.push(arg);
    }
    return fn.call(args, (kind, message) => this.#fail(kind, message, node));
  }

  #arithmetic(operator: ArithmeticOperator, l: number, r: number, node: Expression): number {
    switch (operator) {
      case "+":
        return this.#int32(l + r, node);
      case "-":
        return this.#int32(l - r, node);
      case "*":
        return this.#int32(l * r, node);
      case "/":
      case "%":
        if (r === 0) {
          this.#fail("math", operator === "/" ? "division by zero" : "modulo by zero", node);
          return 0;
        }
        // Truncated division: the quotient rounds towards zero, the remainder takes the dividend's sign.
        return this.#int32(operator === "/" ? Math.trunc(l / r) : l % r, node);
    }
  }

  /** Results outside 32 bits raise a math error and saturate, as ABS does (section 3.5.2). */
  #int32(n: number, node: Expression): number {
    if (n >= INT32_MIN && n <= INT32_MAX) return n + 0; // `+ 0` turns -0 into 0
    this.#fail("math", `integer overflow: ${n} does not fit in 32 bits`, node);
    return n > 0 ? INT32_MAX : INT32_MIN;
  }

  /** Evaluates an operand and casts it to `type`, or FAILED when evaluating it raised an error. */
  #operand(node: Expression, type: CesqlType): Outcome {
    const value = this.#child(node);
    return value === FAILED ? FAILED : this.#cast(value, type, node);
  }

  #child(node: Expression): Outcome {
    const before = this.errors.length;
    const value = this.evaluate(node);
    return this.errors.length === before ? value : FAILED;
  }

  #cast(value: CesqlValue, type: CesqlType, node: Expression): CesqlValue {
    const cast = implicitCast(value, type);
    if (cast !== undefined) return cast;
    this.#fail("cast", castFailureMessage(value, type), node);
    return zeroValue(type);
  }

  #fail(kind: CesqlErrorKind, message: string, node: Expression): void {
    this.errors.push(new CesqlError(kind, message, node.position));
  }
}

function compare(operator: "<" | "<=" | ">" | ">=", l: number, r: number): boolean {
  switch (operator) {
    case "<":
      return l < r;
    case "<=":
      return l <= r;
    case ">":
      return l > r;
    case ">=":
      return l >= r;
  }
}
