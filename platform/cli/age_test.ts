import assert from "node:assert/strict";
import { ageOf, humanDuration } from "./age.ts";

const s = 1000, m = 60 * s, h = 60 * m, d = 24 * h;

Deno.test("humanDuration() prints ages as kubectl does", () => {
  assert.equal(humanDuration(45 * s), "45s");
  assert.equal(humanDuration(119 * s), "119s");
  assert.equal(humanDuration(3 * m + 20 * s), "3m20s");
  assert.equal(humanDuration(5 * m), "5m");
  assert.equal(humanDuration(90 * m), "90m");
  assert.equal(humanDuration(5 * h + 30 * m), "5h30m");
  assert.equal(humanDuration(20 * h), "20h");
  assert.equal(humanDuration(2 * d + 3 * h), "2d3h");
  assert.equal(humanDuration(30 * d), "30d");
  assert.equal(humanDuration(3 * 365 * d + 10 * d), "3y10d");
  assert.equal(humanDuration(-500), "0s");
  assert.equal(humanDuration(-5 * s), "<invalid>");
});

Deno.test("ageOf() measures from a timestamp and is empty without one", () => {
  const now = new Date("2024-01-01T00:10:00Z");
  assert.equal(ageOf("2024-01-01T00:00:00Z", now), "10m");
  assert.equal(ageOf(undefined, now), "");
  assert.equal(ageOf("not a date", now), "");
});
