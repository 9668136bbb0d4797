import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { formatDuration, parseDurationMs, parseDurationNanos } from "./duration.ts";

const PARSES: [string, number | null][] = [
  ["60s", 60_000],
  ["1m30s", 90_000],
  ["1.5h", 5_400_000],
  ["300ms", 300],
  ["0", 0],
  ["0s", 0],
  ["2h45m", 9_900_000],
  ["1h0m0s", 3_600_000],
  [".5s", 500],
  ["1.s", 1000],
  ["-5s", -5000],
  ["+5s", 5000],
  ["1500us", 1.5],
  ["", null],
  ["60", null],
  ["s", null],
  [".s", null],
  ["1d", null],
  ["1m 30s", null],
  ["abc", null],
  ["-", null],
];

for (const [text, expected] of PARSES) {
  Deno.test(`parseDurationMs() reads ${JSON.stringify(text)} as ${expected}`, () => {
    assertEquals(parseDurationMs(text), expected);
  });
}

Deno.test("parseDurationNanos() keeps fractions exact enough to check whole seconds", () => {
  assertEquals(parseDurationNanos("0.3m"), 18e9);
  assertEquals(parseDurationNanos("1.1s"), 1.1e9);
});

Deno.test("formatDuration() prints durations the way Go does", () => {
  assertEquals(formatDuration(0), "0s");
  assertEquals(formatDuration(500), "500ms");
  assertEquals(formatDuration(6000), "6s");
  assertEquals(formatDuration(90_000), "1m30s");
  assertEquals(formatDuration(3_600_000), "1h0m0s");
  assertEquals(formatDuration(1500), "1.5s");
  assertEquals(formatDuration(-2000), "-2s");
});
