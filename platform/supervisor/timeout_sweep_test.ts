import assert from "node:assert/strict";
import { TimeoutSweep } from "./timeout_sweep.ts";
import { FakeClock } from "../clock/fake_clock.ts";

Deno.test("entries past their deadline expire at the next sweep, once; removed ones never", async () => {
  const clock = new FakeClock(0);
  const expired: string[] = [];
  const sweep = new TimeoutSweep<string>(clock, 100, (e) => expired.push(e));
  sweep.add("a", 250);
  sweep.add("b", 250);
  sweep.add("c", 1000);
  sweep.delete("b");
  await clock.advance(200);
  assert.deepEqual(expired, []);
  await clock.advance(100);
  assert.deepEqual(expired, ["a"]);
  await clock.advance(1000);
  assert.deepEqual(expired, ["a", "c"]);
  assert.equal(sweep.size, 0);
  // With nothing left the sweep stops; a new entry starts it again.
  assert.equal(clock.pendingTimers, 0);
  sweep.add("d", clock.now() + 50);
  await clock.advance(100);
  assert.deepEqual(expired, ["a", "c", "d"]);
});
