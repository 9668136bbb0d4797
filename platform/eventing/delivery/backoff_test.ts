import assert from "node:assert/strict";
import { backoffDelayMs } from "./backoff.ts";

Deno.test("linear backoff waits the delay times the retry number", () => {
  const policy = { backoffPolicy: "linear" as const, backoffDelayMs: 200 };
  assert.deepEqual([1, 2, 3, 4].map((k) => backoffDelayMs(policy, k)), [200, 400, 600, 800]);
});

Deno.test("exponential backoff waits the delay times two to the power of the retry number", () => {
  const policy = { backoffPolicy: "exponential" as const, backoffDelayMs: 200 };
  assert.deepEqual([1, 2, 3, 4].map((k) => backoffDelayMs(policy, k)), [400, 800, 1600, 3200]);
});

Deno.test("a zero delay never waits", () => {
  assert.equal(backoffDelayMs({ backoffPolicy: "exponential", backoffDelayMs: 0 }, 10), 0);
});

Deno.test("retry numbers start at one", () => {
  assert.throws(() => backoffDelayMs({ backoffPolicy: "linear", backoffDelayMs: 1 }, 0), RangeError);
  assert.throws(() => backoffDelayMs({ backoffPolicy: "linear", backoffDelayMs: 1 }, 1.5), RangeError);
});
