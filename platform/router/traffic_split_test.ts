import assert from "node:assert/strict";
import { SmoothWeightedRoundRobin } from "./traffic_split.ts";

function counts(picks: string[]) {
  const c: Record<string, number> = {};
  for (const p of picks) c[p] = (c[p] ?? 0) + 1;
  return c;
}

Deno.test("next() follows an 80/20 split within one request in every window of 100", () => {
  const split = new SmoothWeightedRoundRobin([{ item: "a", weight: 80 }, { item: "b", weight: 20 }]);
  const picks = Array.from({ length: 1000 }, () => split.next()!);
  for (let start = 0; start + 100 <= picks.length; start++) {
    const c = counts(picks.slice(start, start + 100));
    assert.ok(Math.abs((c.a ?? 0) - 80) <= 1, `window at ${start}: ${JSON.stringify(c)}`);
  }
});

Deno.test("next() interleaves instead of sending bursts to one target", () => {
  const split = new SmoothWeightedRoundRobin([{ item: "a", weight: 50 }, { item: "b", weight: 50 }]);
  assert.deepEqual(Array.from({ length: 4 }, () => split.next()), ["a", "b", "a", "b"]);
});

Deno.test("next() skips 0% targets and gives undefined when there are none", () => {
  const split = new SmoothWeightedRoundRobin([{ item: "a", weight: 0 }, { item: "b", weight: 100 }]);
  assert.deepEqual([split.next(), split.next()], ["b", "b"]);
  assert.equal(new SmoothWeightedRoundRobin([{ item: "a", weight: 0 }]).next(), undefined);
});

Deno.test("next() keeps uneven three-way splits exact over each 100", () => {
  const split = new SmoothWeightedRoundRobin([
    { item: "a", weight: 33 },
    { item: "b", weight: 33 },
    { item: "c", weight: 34 },
  ]);
  const c = counts(Array.from({ length: 100 }, () => split.next()!));
  assert.deepEqual(c, { a: 33, b: 33, c: 34 });
});
