import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { type DelayEntry, recordDelay } from "./delay_window.ts";

const T0 = Date.UTC(2024, 0, 1);
const TICK = 2000;

/** Feeds `values` one tick apart and returns the maximum after each. */
function run(values: number[], delayMs: number, startMs = T0): number[] {
  let entries: readonly DelayEntry[] = [];
  return values.map((value, i) => {
    const result = recordDelay(entries, startMs + i * TICK, value, delayMs, TICK);
    entries = result.entries;
    return result.max;
  });
}

Deno.test("recordDelay() holds a higher value for exactly the delay", () => {
  // 10 s at a 2 s tick is 5 buckets: the 5 recorded at t=0 counts until t=8 s.
  assertEquals(run([5, 1, 1, 1, 1, 1, 1], 10_000), [5, 5, 5, 5, 5, 1, 1]);
});

Deno.test("recordDelay() passes scale-ups through at once", () => {
  assertEquals(run([1, 3, 7, 2], 10_000), [1, 3, 7, 7]);
});

Deno.test("recordDelay() steps down through the trailing maxima", () => {
  assertEquals(run([9, 6, 3, 1, 1, 1, 1, 1, 1], 6_000), [9, 9, 9, 6, 3, 1, 1, 1, 1]);
});

Deno.test("recordDelay() rounds the delay up to whole ticks", () => {
  // 3 s at a 2 s tick is 2 buckets.
  assertEquals(run([4, 1, 1, 1], 3_000), [4, 4, 1, 1]);
});

Deno.test("recordDelay() keeps the larger of two decisions in the same tick", () => {
  const first = recordDelay([], T0, 5, 10_000, TICK);
  const second = recordDelay(first.entries, T0 + 500, 2, 10_000, TICK);
  assertEquals(second.max, 5);
  assertEquals(second.entries, [{ bucket: T0 / TICK, value: 5 }]);
});

Deno.test("recordDelay() keeps only the descending maxima", () => {
  let entries: readonly DelayEntry[] = [];
  for (const [i, value] of [3, 8, 6, 7, 2].entries()) {
    entries = recordDelay(entries, T0 + i * TICK, value, 60_000, TICK).entries;
  }
  assertEquals(entries.map((e) => e.value), [8, 7, 2]);
});

Deno.test("recordDelay() with no delay returns the value and keeps nothing", () => {
  assertEquals(recordDelay([{ bucket: 1, value: 9 }], T0, 2, 0, TICK), { entries: [], max: 2 });
});
