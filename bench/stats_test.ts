import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { median, percentile } from "./stats.ts";

Deno.test("percentile uses nearest rank", () => {
  const v = Array.from({ length: 100 }, (_, i) => i + 1);
  assertEquals(percentile(v, 50), 50);
  assertEquals(percentile(v, 99), 99);
  assertEquals(percentile(v, 100), 100);
  assertEquals(percentile([7], 99), 7);
  assert(Number.isNaN(percentile([], 50)));
});

Deno.test("median of odd and even counts", () => {
  assertEquals(median([3, 1, 2]), 2);
  assertEquals(median([4, 1, 3, 2]), 2.5);
});
