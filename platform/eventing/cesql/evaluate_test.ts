import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { type CesqlErrorKind, type CesqlValue, compile, evaluate } from "./mod.ts";

const EVENT = {
  specversion: "1.0",
  id: "abc-1",
  source: "/orders",
  type: "order.created",
  sequence: "7",
  flag: true,
  count: 3,
  data: "payload",
};

function run(expression: string, event: Record<string, unknown> = EVENT): [CesqlValue, CesqlErrorKind[]] {
  const result = evaluate(compile(expression), event);
  assertEquals(result.error, result.errors[0]);
  return [result.value, result.errors.map((e) => e.kind)];
}

const CASES: [expression: string, value: CesqlValue, errors: CesqlErrorKind[]][] = [
  // A missing attribute makes the subexpression that reads it return its zero value (section 3.2).
  ["missing", false, ["missingAttribute"]],
  ["missing * 5", 0, ["missingAttribute"]],
  ["1 / missing", 0, ["missingAttribute"]],
  ["LENGTH(missing)", 0, ["missingAttribute"]],
  ["UPPER(missing)", "", ["missingAttribute"]],
  ["missing IN ('a')", false, ["missingAttribute"]],
  ["'a' IN ('b', missing)", false, ["missingAttribute"]],
  ["true AND (missing = '')", false, ["missingAttribute"]],
  ["(missing = 1) OR true", false, ["missingAttribute"]],
  ["EXISTS missing", false, []],
  // Data is not an attribute; neither are Object.prototype members.
  ["EXISTS data", false, []],
  ["data = 'payload'", false, ["missingAttribute"]],
  ["EXISTS constructor OR EXISTS tostring", false, []],
  // Errors of an operand turn the operator's result into its zero value.
  ["true AND (1 != 1 / 0)", false, ["math"]],
  ["NOT (1 / 0 = 0)", false, ["math"]],
  ["(1 / 0) + 5", 0, ["math"]],
  ["LEFT('abc', 1 / 0)", "", ["math"]],
  // A failed implicit cast substitutes the zero value of the target type and the operator goes on.
  ["NOT 10", true, ["cast"]],
  ["'abc' + 1", 1, ["cast"]],
  ["'a' + 'b'", 0, ["cast", "cast"]],
  ["LEFT('abc', 'x')", "", ["cast"]],
  ["1 = TRUE", false, ["cast"]],
  // Short circuits.
  ["false AND missing", false, []],
  ["true OR missing", true, []],
  ["true XOR missing", false, ["missingAttribute"]],
  ["false OR 'TRUE'", true, []],
  // The right operand of `=` picks the type; IN casts the set to the left operand's type.
  ["sequence = 7", true, []],
  ["7 = sequence", true, []],
  ["flag = 'true'", true, []],
  ["'TRUE' = flag", true, []],
  ["count = '3'", true, []],
  ["count IN ('1', '3')", true, []],
  ["sequence NOT IN (1, 2)", true, []],
  ["sequence < 10 AND count >= 3", true, []],
  // 32-bit integers: overflow is a math error and saturates, like ABS.
  ["2147483647 + 1", 2147483647, ["math"]],
  ["-2147483648 - 1", -2147483648, ["math"]],
  ["65536 * 65536", 2147483647, ["math"]],
  ["-2147483648 / -1", 2147483647, ["math"]],
  ["--2147483648", 2147483647, ["math"]],
  ["-2147483648 % -1", 0, []],
  ["-7 / 2", -3, []],
  ["-7 % 2", -1, []],
  ["7 % -2", 1, []],
  ["0 * -5", 0, []],
  ["5 % 0", 0, ["math"]],
  // Functions: missing ones, wrong arities, errors of their own.
  ["NOPE()", false, ["missingFunction"]],
  ["ABS(1, 2)", false, ["missingFunction"]],
  ["SUBSTRING('abc')", false, ["missingFunction"]],
  ["INT('x') + 1", 0, ["cast"]],
  ["RIGHT('abc', -1)", "abc", ["functionEvaluation"]],
  ["source LIKE '/ord%' AND type NOT LIKE '%.deleted'", true, []],
  ["id LIKE 'abc\\_1'", false, []],
  ["count LIKE '3'", true, []],
];

for (const [expression, value, errors] of CASES) {
  const raised = errors.length === 0 ? "" : ` with ${errors.join(", ")} error(s)`;
  Deno.test(`evaluate() gives ${JSON.stringify(value)}${raised} for ${expression}`, () => {
    assertEquals(run(expression), [value, errors]);
  });
}

Deno.test("evaluate() never returns negative zero", () => {
  for (const expression of ["0 * -5", "-0", "-2147483648 % -1", "INT('-0')", "-7 % 7", "zero"]) {
    const [value] = run(expression, { ...EVENT, zero: -0 });
    assert(Object.is(value, 0), `${expression} gave ${Object.is(value, -0) ? "-0" : value}`);
  }
});

Deno.test("evaluate() sees attribute values that are not CESQL primitives as strings", () => {
  const event = {
    ...EVENT,
    time: new Date("2024-01-02T03:04:05.000Z"),
    bytes: new Uint8Array([1, 2, 3]),
    huge: 1e12,
    fraction: 1.5,
    nothing: null,
  };
  assertEquals(run("time", event), ["2024-01-02T03:04:05.000Z", []]);
  assertEquals(run("bytes", event), ["AQID", []]);
  assertEquals(run("huge", event), ["1000000000000", []]);
  assertEquals(run("fraction", event), ["1.5", []]);
  assertEquals(run("EXISTS nothing", event), [false, []]);
});

Deno.test("evaluate() reports where in the expression each error arose", () => {
  const result = evaluate(compile("1 + (2 / 0)"), EVENT);
  assertEquals(result.error?.kind, "math");
  assertEquals(result.error?.position, 7);
  const expression = "type = 'order.created' AND nothere = 1";
  const missing = evaluate(compile(expression), EVENT);
  assertEquals(missing.error?.position, expression.indexOf("nothere"));
  assert(missing.error?.message.includes("nothere"));
});

Deno.test("a compiled expression can be evaluated over many events without being parsed again", () => {
  const compiled = compile("type IN ('a', 'b') AND INT(n) > 1");
  const events = [{ type: "a", n: "2" }, { type: "b", n: "1" }, { type: "c", n: "5" }, { type: "b", n: "x" }];
  assertEquals(events.map((e) => evaluate(compiled, e).value), [true, false, false, false]);
  assertEquals(evaluate(compiled, events[3]).error?.kind, "cast");
});
