/**
 * Property-based (fuzz) test of CESQL: any text either compiles or is refused with a
 * `CesqlParseError`, and evaluating a compiled expression over any event never throws (errors are
 * reported in the result, as CESQL section 3.3 asks). Run count: see test/fuzz/fuzz_runs.ts.
 */
import fc from "fast-check";
import { CesqlError, CesqlParseError, compile, evaluate } from "./mod.ts";
import { fuzzParams } from "../../../test/fuzz/fuzz_runs.ts";

const TOKENS = [
  "id",
  "source",
  "type",
  "subject",
  "myext",
  "time",
  "data",
  "constructor",
  "__proto__",
  "'abc'",
  '"x"',
  "'%'",
  "'a%b_'",
  "1",
  "0",
  "-1",
  "2147483647",
  "-2147483648",
  "99999999999",
  "TRUE",
  "FALSE",
  "AND",
  "OR",
  "XOR",
  "NOT",
  "LIKE",
  "IN",
  "EXISTS",
  "=",
  "!=",
  "<>",
  "<",
  "<=",
  ">",
  ">=",
  "+",
  "-",
  "*",
  "/",
  "%",
  "(",
  ")",
  ",",
  "ABS",
  "LENGTH",
  "CONCAT",
  "CONCAT_WS",
  "LOWER",
  "UPPER",
  "TRIM",
  "LEFT",
  "RIGHT",
  "SUBSTRING",
  "INT",
  "BOOL",
  "STRING",
  "IS_INT",
  "IS_BOOL",
  "IS_STRING",
  "NOSUCHFN",
  "'",
  "\\",
  "\u0000",
  "é",
];

/** Mostly token soup (reaches the parser's deep paths), plus arbitrary text. */
const expression = fc.oneof(
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 12 }).map((t) => t.join(" ")),
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 12 }).map((t) => t.join("")),
  fc.string(),
  fc.string({ unit: "grapheme" }),
);

const attributeValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constantFrom("1", "true", "2024-01-01T00:00:00Z", "-2147483649"),
  fc.uint8Array({ maxLength: 8 }),
  fc.date({ noInvalidDate: true }),
);
const event = fc.dictionary(
  fc.constantFrom("id", "source", "type", "subject", "myext", "time", "data", "specversion"),
  attributeValue,
);

Deno.test("compile() and evaluate() never throw anything but CESQL errors, whatever the text and event", () => {
  fc.assert(
    fc.property(expression, event, (text, attributes) => {
      let compiled;
      try {
        compiled = compile(text);
      } catch (err) {
        if (err instanceof CesqlParseError) return;
        throw err;
      }
      const result = evaluate(compiled, attributes);
      for (const error of result.errors) {
        if (!(error instanceof CesqlError)) throw new Error(`not a CesqlError: ${error}`);
      }
      const type = typeof result.value;
      if (type !== "string" && type !== "number" && type !== "boolean") {
        throw new Error(`${JSON.stringify(text)} evaluated to a ${type}`);
      }
    }),
    fuzzParams(3000),
  );
});
