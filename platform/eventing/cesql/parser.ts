import type { BinaryOperator, ComparisonOperator, Expression, LogicOperator } from "./ast.ts";
import { CesqlParseError } from "./errors.ts";
import { BUILTIN_FUNCTIONS, type FunctionRegistry } from "./function_registry.ts";
import { type Token, tokenize } from "./lexer.ts";
import { compileLikePattern } from "./like_pattern.ts";
import { INT32_MAX } from "./value.ts";

const KEYWORDS = new Set(["AND", "OR", "XOR", "NOT", "LIKE", "IN", "EXISTS", "TRUE", "FALSE"]);
const LOGIC_OPERATORS = new Set<string>(["AND", "OR", "XOR"]);
const COMPARISON_OPERATORS = new Map<string, ComparisonOperator>([
  ["=", "="],
  ["!=", "!="],
  ["<>", "!="],
  ["<", "<"],
  ["<=", "<="],
  [">", ">"],
  [">=", ">="],
]);
const ADDITIVE_OPERATORS = new Set<string>(["+", "-"]);
const MULTIPLICATIVE_OPERATORS = new Set<string>(["*", "/", "%"]);

/** Identifiers may be written in any case (the TCK uses `EXISTS SOURCE`); attribute names are lower case. */
const IDENTIFIER = /^[A-Za-z0-9]+$/;
const FUNCTION_NAME = /^[A-Za-z][A-Za-z_]*$/;

/** Bounds that keep parsing and evaluation recursion far from the stack limit. */
const MAX_NESTING = 100;
const MAX_HEIGHT = 1000;

/**
 * Parses CESQL text into an expression tree, or throws `CesqlParseError`. Precedence, tightest first
 * (section 3.6): function calls and literals, unary NOT and `-`, postfix LIKE and IN, `* / %`, `+ -`,
 * comparisons, then AND, OR and XOR together. Operators of equal precedence group left to right.
 */
export function parse(source: string, functions: FunctionRegistry = BUILTIN_FUNCTIONS): Expression {
  return new Parser(source, functions).parseAll();
}

class Parser {
  readonly #source: string;
  readonly #functions: FunctionRegistry;
  readonly #tokens: Token[];
  readonly #heights = new WeakMap<Expression, number>();
  #index = 0;
  #nesting = 0;

  constructor(source: string, functions: FunctionRegistry) {
    this.#source = source;
    this.#functions = functions;
    this.#tokens = tokenize(source);
  }

  parseAll(): Expression {
    const expression = this.#expression();
    const rest = this.#peek();
    if (rest.kind !== "eof") throw this.#unexpected(rest);
    return expression;
  }

  #expression(): Expression {
    this.#enter(this.#peek());
    const expression = this.#logic();
    this.#nesting--;
    return expression;
  }

  #logic(): Expression {
    let left = this.#comparison();
    for (;;) {
      const token = this.#peek();
      const operator = token.kind === "word" ? token.text.toUpperCase() : "";
      if (!LOGIC_OPERATORS.has(operator)) return left;
      this.#index++;
      left = this.#binary(operator as LogicOperator, token, left, this.#comparison());
    }
  }

  #comparison(): Expression {
    let left = this.#additive();
    for (;;) {
      const token = this.#peek();
      const operator = COMPARISON_OPERATORS.get(token.kind);
      if (operator === undefined) return left;
      this.#index++;
      left = this.#binary(operator, token, left, this.#additive());
    }
  }

  #additive(): Expression {
    let left = this.#multiplicative();
    while (ADDITIVE_OPERATORS.has(this.#peek().kind)) {
      const token = this.#next();
      left = this.#binary(token.kind as BinaryOperator, token, left, this.#multiplicative());
    }
    return left;
  }

  #multiplicative(): Expression {
    let left = this.#postfix();
    while (MULTIPLICATIVE_OPERATORS.has(this.#peek().kind)) {
      const token = this.#next();
      left = this.#binary(token.kind as BinaryOperator, token, left, this.#postfix());
    }
    return left;
  }

  /** `x [NOT] LIKE 'pattern'` and `x [NOT] IN (a, b, ...)`. */
  #postfix(): Expression {
    let operand = this.#unary();
    for (;;) {
      let token = this.#peek();
      const negated = isWord(token, "NOT") && (isWord(this.#peek(1), "LIKE") || isWord(this.#peek(1), "IN"));
      if (negated) {
        this.#index++;
        token = this.#peek();
      }
      if (isWord(token, "LIKE")) {
        this.#index++;
        const pattern = this.#next();
        if (pattern.kind !== "string") {
          throw new CesqlParseError("the pattern of LIKE must be a string literal", pattern.start);
        }
        const like: Expression = {
          kind: "like",
          position: token.start,
          operand,
          pattern: compileLikePattern(pattern.value),
          negated,
        };
        operand = this.#node(like, [operand]);
      } else if (isWord(token, "IN")) {
        this.#index++;
        const set = this.#set();
        operand = this.#node({ kind: "in", position: token.start, operand, set, negated }, [operand, ...set]);
      } else {
        return operand;
      }
    }
  }

  #set(): Expression[] {
    const open = this.#next();
    if (open.kind !== "(") {
      throw new CesqlParseError("IN must be followed by a parenthesised list", open.start);
    }
    if (this.#peek().kind === ")") throw new CesqlParseError("the list of IN must not be empty", open.start);
    const set = [this.#expression()];
    while (this.#accept(",")) set.push(this.#expression());
    this.#expect(")");
    return set;
  }

  #unary(): Expression {
    const token = this.#peek();
    if (isWord(token, "NOT")) {
      this.#index++;
      this.#enter(token);
      const operand = this.#unary();
      this.#nesting--;
      return this.#node({ kind: "not", position: token.start, operand }, [operand]);
    }
    if (token.kind === "-" || token.kind === "+") {
      const next = this.#peek(1);
      // A sign directly on digits is part of the literal, so -2147483648 is a valid Integer.
      if (next.kind === "integer") {
        this.#index += 2;
        return this.#integer(next.text, token.kind === "-", token.start);
      }
      if (token.kind === "+") {
        throw new CesqlParseError("'+' as a sign must be followed by digits", token.start);
      }
      this.#index++;
      this.#enter(token);
      const operand = this.#unary();
      this.#nesting--;
      return this.#node({ kind: "negate", position: token.start, operand }, [operand]);
    }
    return this.#primary();
  }

  #primary(): Expression {
    const token = this.#next();
    switch (token.kind) {
      case "integer":
        return this.#integer(token.text, false, token.start);
      case "string":
        return this.#node({ kind: "literal", position: token.start, value: token.value }, []);
      case "(": {
        const expression = this.#expression();
        this.#expect(")");
        return expression;
      }
      case "word":
        return this.#word(token.text, token.start);
      default:
        throw this.#unexpected(token);
    }
  }

  #word(text: string, position: number): Expression {
    const upper = text.toUpperCase();
    if (upper === "TRUE" || upper === "FALSE") {
      return this.#node({ kind: "literal", position, value: upper === "TRUE" }, []);
    }
    if (upper === "EXISTS") {
      const name = this.#next();
      if (name.kind !== "word" || !IDENTIFIER.test(name.text) || KEYWORDS.has(name.text.toUpperCase())) {
        throw new CesqlParseError("EXISTS must be followed by an attribute name", name.start);
      }
      return this.#node({ kind: "exists", position, name: name.text.toLowerCase() }, []);
    }
    if (KEYWORDS.has(upper)) throw new CesqlParseError(`unexpected keyword ${upper}`, position);
    if (this.#peek().kind === "(") return this.#call(text, position);
    if (!IDENTIFIER.test(text)) {
      throw new CesqlParseError(`'${text}' is not an attribute name (letters and digits only)`, position);
    }
    return this.#node({ kind: "attribute", position, name: text.toLowerCase() }, []);
  }

  #call(text: string, position: number): Expression {
    if (!FUNCTION_NAME.test(text)) {
      throw new CesqlParseError(`'${text}' is not a function name (letters and underscores only)`, position);
    }
    this.#expect("(");
    const args: Expression[] = [];
    if (this.#peek().kind !== ")") {
      args.push(this.#expression());
      while (this.#accept(",")) args.push(this.#expression());
    }
    this.#expect(")");
    const name = text.toUpperCase();
    const fn = this.#functions.resolve(name, args.length);
    return this.#node({ kind: "call", position, name, args, fn }, args);
  }

  #integer(digits: string, negative: boolean, position: number): Expression {
    const magnitude = Number(digits);
    // 2147483648 fits only as a negative number.
    if (magnitude > INT32_MAX + (negative ? 1 : 0)) {
      const text = (negative ? "-" : "") + digits;
      throw new CesqlParseError(`integer literal ${text} does not fit in 32 bits`, position);
    }
    return this.#node({ kind: "literal", position, value: negative ? -magnitude + 0 : magnitude }, []);
  }

  #binary(operator: BinaryOperator, token: Token, left: Expression, right: Expression): Expression {
    return this.#node({ kind: "binary", position: token.start, operator, left, right }, [left, right]);
  }

  /** Records the node's height and refuses trees too deep to evaluate safely. */
  #node(node: Expression, children: readonly Expression[]): Expression {
    let height = 1;
    for (const child of children) height = Math.max(height, (this.#heights.get(child) ?? 1) + 1);
    if (height > MAX_HEIGHT) throw new CesqlParseError("expression is too deeply nested", node.position);
    this.#heights.set(node, height);
    return node;
  }

  #enter(token: Token): void {
    if (++this.#nesting > MAX_NESTING) {
      throw new CesqlParseError("expression is too deeply nested", token.start);
    }
  }

  #peek(ahead = 0): Token {
    return this.#tokens[Math.min(this.#index + ahead, this.#tokens.length - 1)];
  }

  #next(): Token {
    const token = this.#peek();
    if (token.kind !== "eof") this.#index++;
    return token;
  }

  #accept(kind: Token["kind"]): boolean {
    if (this.#peek().kind !== kind) return false;
    this.#index++;
    return true;
  }

  #expect(kind: Token["kind"]): void {
    const token = this.#peek();
    if (token.kind !== kind) throw this.#unexpected(token, `expected '${kind}'`);
    this.#index++;
  }

  #unexpected(token: Token, expected?: string): CesqlParseError {
    const found = token.kind === "eof"
      ? "unexpected end of expression"
      : `unexpected '${this.#source.slice(token.start, token.end)}'`;
    return new CesqlParseError(expected === undefined ? found : `${expected}, ${found}`, token.start);
  }
}

function isWord(token: Token, keyword: string): boolean {
  return token.kind === "word" && token.text.toUpperCase() === keyword;
}
