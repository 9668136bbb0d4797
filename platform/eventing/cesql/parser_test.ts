import { strictEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import type { Expression } from "./ast.ts";
import { CesqlParseError } from "./errors.ts";
import { parse } from "./parser.ts";

/** The tree as an S-expression, to compare groupings compactly. */
function show(node: Expression): string {
  switch (node.kind) {
    case "literal":
      return typeof node.value === "string" ? `'${node.value}'` : String(node.value);
    case "attribute":
      return node.name;
    case "exists":
      return `(EXISTS ${node.name})`;
    case "not":
      return `(NOT ${show(node.operand)})`;
    case "negate":
      return `(- ${show(node.operand)})`;
    case "binary":
      return `(${node.operator} ${show(node.left)} ${show(node.right)})`;
    case "like":
      return `(${node.negated ? "NOT LIKE" : "LIKE"} ${show(node.operand)} '${node.pattern.source}')`;
    case "in":
      return `(${node.negated ? "NOT IN" : "IN"} ${show(node.operand)} ${node.set.map(show).join(" ")})`;
    case "call":
      // A trailing `?` marks a call that resolved to no function.
      return `(${[node.name + (node.fn === undefined ? "?" : ""), ...node.args.map(show)].join(" ")})`;
  }
}

const GROUPINGS: [source: string, tree: string][] = [
  ["4 * 2 + 4 / 2", "(+ (* 4 2) (/ 4 2))"],
  ["1 - 2 - 3", "(- (- 1 2) 3)"],
  ["8 / 4 % 3 * 2", "(* (% (/ 8 4) 3) 2)"],
  ["a + 1 = b * 2", "(= (+ a 1) (* b 2))"],
  ["a = 1 AND b <> 2", "(AND (= a 1) (!= b 2))"],
  ["a AND b OR c XOR d", "(XOR (OR (AND a b) c) d)"],
  ["a OR (b AND c)", "(OR a (AND b c))"],
  ["NOT a AND b", "(AND (NOT a) b)"],
  ["NOT a LIKE 'x%'", "(LIKE (NOT a) 'x%')"],
  ["a NOT LIKE 'x%'", "(NOT LIKE a 'x%')"],
  ["a + b LIKE 'x'", "(+ a (LIKE b 'x'))"],
  ["a NOT IN (1, b, 'c')", "(NOT IN a 1 b 'c')"],
  ["a IN (1 + 2)", "(IN a (+ 1 2))"],
  ["NOT EXISTS subject", "(NOT (EXISTS subject))"],
  ["EXISTS SOURCE", "(EXISTS source)"],
  ["-a * 2", "(* (- a) 2)"],
  ["--10", "(- -10)"],
  ["- 5", "-5"],
  ["+5", "5"],
  ["4 - -1", "(- 4 -1)"],
  ["5-3", "(- 5 3)"],
  ["-2147483648", "-2147483648"],
  ["int(hop) < Int(ttl)", "(< (INT hop) (INT ttl))"],
  ["concat()", "(CONCAT)"],
  ["CONCAT_WS()", "(CONCAT_WS?)"],
  ["UNKNOWN(1)", "(UNKNOWN? 1)"],
  ["tRuE = FaLsE", "(= true false)"],
  ["((((a))))", "a"],
  ["'it''s' = \"x\\\"y\"", `(= 'it's' 'x"y')`],
];

for (const [source, tree] of GROUPINGS) {
  Deno.test(`parse() groups ${source} as ${tree}`, () => {
    assertEquals(show(parse(source)), tree);
  });
}

const REFUSED: [source: string, position: number][] = [
  ["", 0],
  ["ABC(", 4],
  ["(a", 2],
  ["a)", 1],
  ["a b", 2],
  ["a AND", 5],
  ["x LIKE 123", 7],
  ["x LIKE y", 7],
  ["x IN ()", 5],
  ["x IN 1", 5],
  ["x NOT 1", 2],
  ["EXISTS 'a'", 7],
  ["EXISTS type_x", 7],
  ["EXISTS AND", 7],
  ["NOT", 3],
  ["a_b", 0],
  ["abc1(2)", 0],
  ["1 = AND", 4],
  ["2147483648", 0],
  ["-2147483649", 0],
  ["+2147483648", 0],
  ["+ a", 0],
  ["1,2", 1],
  ["'open", 0],
];

for (const [source, position] of REFUSED) {
  Deno.test(`parse() refuses ${JSON.stringify(source)} and points at position ${position}`, () => {
    assertThrows(
      () => parse(source),
      (e) => e instanceof CesqlParseError && e.kind === "parse" && e.position === position,
    );
  });
}

Deno.test("parse() refuses nesting deep enough to threaten the stack, instead of crashing", () => {
  assertThrows(() => parse("(".repeat(5000) + "1" + ")".repeat(5000)), CesqlParseError);
  assertThrows(() => parse("NOT ".repeat(5000) + "TRUE"), CesqlParseError);
  assertThrows(() => parse(Array(5000).fill("a").join(" AND ")), CesqlParseError);
});

Deno.test("parse() accepts long but reasonable expressions", () => {
  const tree = parse(Array(500).fill("a = 'x'").join(" OR "));
  assertEquals(tree.kind, "binary");
});
