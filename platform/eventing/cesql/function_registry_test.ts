import { strictEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import type { CesqlFunction } from "./cesql_function.ts";
import { BUILTIN_FUNCTIONS, FunctionRegistry } from "./function_registry.ts";

function fn(name: string, fixed: number, variadic = false): CesqlFunction {
  return {
    name,
    parameters: Array(fixed).fill("String"),
    variadic: variadic ? "String" : undefined,
    returns: "String",
    call: () => name,
  };
}

Deno.test("built-in functions resolve by case-insensitive name and arity", () => {
  assertEquals(BUILTIN_FUNCTIONS.resolve("substring", 2)?.parameters.length, 2);
  assertEquals(BUILTIN_FUNCTIONS.resolve("SubString", 3)?.parameters.length, 3);
  assertEquals(BUILTIN_FUNCTIONS.resolve("SUBSTRING", 4), undefined);
  assertEquals(BUILTIN_FUNCTIONS.resolve("concat", 0)?.name, "CONCAT");
  assertEquals(BUILTIN_FUNCTIONS.resolve("concat", 9)?.name, "CONCAT");
  assertEquals(BUILTIN_FUNCTIONS.resolve("CONCAT_WS", 0), undefined);
  assertEquals(BUILTIN_FUNCTIONS.resolve("CONCAT_WS", 1)?.name, "CONCAT_WS");
  assertEquals(BUILTIN_FUNCTIONS.resolve("nope", 1), undefined);
});

Deno.test("every function the brief lists is built in", () => {
  const expected = [
    ["ABS", 1],
    ["LENGTH", 1],
    ["CONCAT", 2],
    ["CONCAT_WS", 3],
    ["LOWER", 1],
    ["UPPER", 1],
    ["TRIM", 1],
    ["LEFT", 2],
    ["RIGHT", 2],
    ["SUBSTRING", 2],
    ["SUBSTRING", 3],
    ["INT", 1],
    ["BOOL", 1],
    ["STRING", 1],
    ["IS_BOOL", 1],
    ["IS_INT", 1],
    ["IS_STRING", 1],
  ] as const;
  for (const [name, arity] of expected) {
    assertEquals(BUILTIN_FUNCTIONS.resolve(name, arity)?.name, name, `${name}/${arity}`);
  }
});

Deno.test("a registry refuses overloads that would make dispatch ambiguous (section 3.5)", () => {
  assertThrows(() => new FunctionRegistry([fn("F", 1), fn("f", 1)]), /arity 1/);
  assertThrows(() => new FunctionRegistry([fn("F", 0, true), fn("F", 3)]), /variadic/);
  assertThrows(() => new FunctionRegistry([fn("F", 3), fn("F", 3, true)]), /variadic/);
  assertThrows(() => new FunctionRegistry([fn("F", 4, true), fn("F", 5, true)]), /variadic/);
});

Deno.test("a registry accepts a variadic overload with more fixed parameters than the others", () => {
  const registry = new FunctionRegistry([fn("F", 1), fn("F", 2), fn("F", 3, true)]);
  assertEquals(registry.resolve("f", 2)?.parameters.length, 2);
  assertEquals(registry.resolve("f", 3)?.variadic, "String");
  assertEquals(registry.resolve("f", 7)?.variadic, "String");
  assertEquals(registry.resolve("f", 0), undefined);
});
