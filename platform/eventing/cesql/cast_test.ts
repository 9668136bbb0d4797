import { strictEqual as assertEquals } from "node:assert/strict";
import { explicitCast, implicitCast, parseInteger } from "./cast.ts";
import type { CesqlType, CesqlValue } from "./value.ts";

const EXPLICIT: [CesqlValue, CesqlType, CesqlValue | undefined][] = [
  ["42", "Integer", 42],
  ["+42", "Integer", 42],
  ["-42", "Integer", -42],
  ["-0", "Integer", 0],
  ["007", "Integer", 7],
  ["2147483647", "Integer", 2147483647],
  ["-2147483648", "Integer", -2147483648],
  ["2147483648", "Integer", undefined],
  ["1.5", "Integer", undefined],
  [" 1", "Integer", undefined],
  ["", "Integer", undefined],
  ["0x10", "Integer", undefined],
  [true, "Integer", 1],
  [false, "Integer", 0],
  ["true", "Boolean", true],
  ["TRUE", "Boolean", true],
  ["False", "Boolean", false],
  ["yes", "Boolean", undefined],
  ["1", "Boolean", undefined],
  [0, "Boolean", false],
  [-50, "Boolean", true],
  [-7, "String", "-7"],
  [true, "String", "true"],
  ["x", "String", "x"],
];

for (const [value, type, expected] of EXPLICIT) {
  Deno.test(`the explicit cast of ${JSON.stringify(value)} to ${type} gives ${expected ?? "a cast error"}`, () => {
    assertEquals(explicitCast(value, type), expected);
  });
}

Deno.test("implicit casts refuse Integer to Boolean, as the TCK's `NOT 10` requires", () => {
  assertEquals(implicitCast(10, "Boolean"), undefined);
  assertEquals(implicitCast(0, "Boolean"), undefined);
  assertEquals(implicitCast("true", "Boolean"), true);
  assertEquals(implicitCast(true, "Integer"), 1);
  assertEquals(implicitCast("12", "Integer"), 12);
});

Deno.test("parseInteger() accepts only base-10 digits with an optional sign", () => {
  assertEquals(parseInteger("1e3"), undefined);
  assertEquals(parseInteger("--1"), undefined);
  assertEquals(parseInteger("99999999999999999999"), undefined);
  assertEquals(Object.is(parseInteger("-0"), 0), true);
});
