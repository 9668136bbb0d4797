import assert from "node:assert/strict";
import { parseIsoDuration } from "./iso8601_duration.ts";

Deno.test("time durations convert to milliseconds, including fractional seconds", () => {
  assert.equal(parseIsoDuration("PT0.2S"), 200);
  assert.equal(parseIsoDuration("PT0,5S"), 500);
  assert.equal(parseIsoDuration("PT1S"), 1000);
  assert.equal(parseIsoDuration("PT1M30S"), 90_000);
  assert.equal(parseIsoDuration("PT2H"), 7_200_000);
  assert.equal(parseIsoDuration("PT1.5H"), 5_400_000);
  assert.equal(parseIsoDuration("PT0S"), 0);
  assert.equal(parseIsoDuration("PT0.3S"), 300);
  assert.equal(parseIsoDuration("PT0.0004S"), 0);
});

Deno.test("date components count whole days and weeks, and calendar units Gregorian averages", () => {
  assert.equal(parseIsoDuration("P1D"), 86_400_000);
  assert.equal(parseIsoDuration("P1DT1H"), 90_000_000);
  assert.equal(parseIsoDuration("P2W"), 14 * 86_400_000);
  assert.equal(parseIsoDuration("P1Y"), Math.round(365.2425 * 86_400_000));
  assert.equal(parseIsoDuration("P1M"), Math.round((365.2425 * 86_400_000) / 12));
});

Deno.test("a leading minus sign makes the duration negative", () => {
  assert.equal(parseIsoDuration("-PT5S"), -5000);
  assert.equal(parseIsoDuration("+PT5S"), 5000);
});

Deno.test("text that is not an ISO 8601 duration is refused with a SyntaxError", () => {
  for (
    const text of ["", "P", "PT", "0.2s", "PT0.2", "1S", "PT1S2M", "P1H", "PT.5S", "PT1.5M3S", "pt1s", "P1DT"]
  ) {
    assert.throws(() => parseIsoDuration(text), SyntaxError, text);
  }
});
