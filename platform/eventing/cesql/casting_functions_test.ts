import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { type CesqlErrorKind, type CesqlValue, compile, evaluate } from "./mod.ts";

const EVENT = { number: "42", word: "hello", yes: "TRUE" };

const CASES: [expression: string, value: CesqlValue, error?: CesqlErrorKind][] = [
  ["INT(number) + 1", 43],
  ["INT('+7')", 7],
  ["INT('2147483648')", 0, "cast"],
  ["INT(word)", 0, "cast"],
  ["BOOL(yes)", true],
  ["BOOL(0)", false],
  ["BOOL(word)", false, "cast"],
  ["STRING(-12)", "-12"],
  ["STRING(FALSE)", "false"],
  ["IS_INT(number)", true],
  ["IS_INT(word)", false],
  ["IS_INT(TRUE)", true],
  ["IS_BOOL(yes)", true],
  ["IS_BOOL(word)", false],
  ["IS_BOOL(1)", false],
  ["IS_STRING(1)", true],
  ["is_string(word)", true],
  ["INT(missing)", 0, "missingAttribute"],
  ["IS_INT(missing)", false, "missingAttribute"],
];

for (const [expression, value, error] of CASES) {
  Deno.test(`${expression} gives ${JSON.stringify(value)}${error ? ` and a ${error} error` : ""}`, () => {
    const result = evaluate(compile(expression), EVENT);
    assertEquals([result.value, result.error?.kind], [value, error]);
  });
}
