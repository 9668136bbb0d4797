import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { type CesqlErrorKind, type CesqlValue, compile, evaluate } from "./mod.ts";

const CASES: [expression: string, value: CesqlValue, error?: CesqlErrorKind][] = [
  ["LENGTH('😀é')", 2],
  ["LENGTH(123)", 3],
  ["LEFT('😀😀x', 2)", "😀😀"],
  ["RIGHT('x😀😀', 2)", "😀😀"],
  ["RIGHT('abc', 0)", ""],
  ["LEFT('abc', 3)", "abc"],
  ["SUBSTRING('a😀c', 2, 1)", "😀"],
  ["SUBSTRING('abc', 3)", "c"],
  ["SUBSTRING('abc', -3)", "abc"],
  ["SUBSTRING('abc', -4)", "", "functionEvaluation"],
  ["SUBSTRING('abc', 2, 100)", "bc"],
  ["SUBSTRING('abc', 2, 0)", ""],
  ["SUBSTRING('abc', 2, -1)", "", "functionEvaluation"],
  ["SUBSTRING('', 0)", ""],
  ["CONCAT(1, TRUE, 'x')", "1truex"],
  ["CONCAT_WS('-', 1, TRUE, 'x')", "1-true-x"],
  ["CONCAT_WS('', 'a', 'b')", "ab"],
  ["LOWER('ÀÉÎ')", "àéî"],
  ["UPPER('straße')", "STRASSE"],
  // Unicode White_Space: U+0085 and U+3000 are trimmed, U+FEFF (not White_Space) is kept.
  ["TRIM('\u0085\u3000 a b \t\n')", "a b"],
  ["TRIM('\uFEFFa')", "\uFEFFa"],
];

for (const [expression, value, error] of CASES) {
  Deno.test(`${expression} gives ${JSON.stringify(value)}${error ? ` and a ${error} error` : ""}`, () => {
    const result = evaluate(compile(expression), {});
    assertEquals([result.value, result.error?.kind], [value, error]);
  });
}
