import assert from "node:assert/strict";
import { type SweepEntry, TimeoutSweep } from "./timeout_sweep.ts";
import { FakeClock } from "../clock/fake_clock.ts";

const entry = (name: string) => ({ name, deadline: 0, sweepIndex: -1 });
type Named = SweepEntry & { name: string };

Deno.test("entries past their deadline expire at the next sweep, once; removed ones never", async () => {
  const clock = new FakeClock(0);
  const expired: string[] = [];
  const sweep = new TimeoutSweep<Named>(clock, 100, (e) => expired.push(e.name));
  const [a, b, c, d] = ["a", "b", "c", "d"].map(entry);
  sweep.add(a, 250);
  sweep.add(b, 250);
  sweep.add(c, 1000);
  sweep.delete(b);
  sweep.delete(b);
  assert.equal(sweep.size, 2);
  await clock.advance(200);
  assert.deepEqual(expired, []);
  await clock.advance(100);
  assert.deepEqual(expired, ["a"]);
  await clock.advance(1000);
  assert.deepEqual(expired, ["a", "c"]);
  assert.equal(sweep.size, 0);
  // With nothing left the sweep stops; a new entry starts it again.
  assert.equal(clock.pendingTimers, 0);
  sweep.add(d, clock.now() + 50);
  await clock.advance(100);
  assert.deepEqual(expired, ["a", "c", "d"]);
});

Deno.test("an entry added again gets the new deadline; one removed by another's expiry is skipped", async () => {
  const clock = new FakeClock(0);
  const expired: string[] = [];
  const many = Array.from({ length: 10 }, (_, i) => entry(`e${i}`));
  const sweep = new TimeoutSweep<Named>(clock, 100, (e) => {
    expired.push(e.name);
    // Expiring e0 removes e1..e3 (as a failed request ends others); e9 is given more time.
    if (e.name === "e0") { for (const other of many.slice(1, 4)) sweep.delete(other); }
  });
  for (const e of many) sweep.add(e, 50);
  sweep.add(many[9], 500);
  await clock.advance(100);
  assert.deepEqual(expired.sort(), ["e0", "e4", "e5", "e6", "e7", "e8"]);
  assert.equal(sweep.size, 1);
  await clock.advance(500);
  assert.deepEqual(expired.slice(-1), ["e9"]);
  assert.equal(sweep.size, 0);
  assert.ok(many.every((e) => e.sweepIndex === -1));
});
