import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import { ColdStartTimer } from "./cold_start_timer.ts";

Deno.test("ColdStartTimer: from the first waiting request to ready; later waits of the same start do not move it", async () => {
  const clock = new FakeClock(0);
  const timer = new ColdStartTimer(clock);
  timer.end(); // nothing under way: nothing counted
  timer.begin();
  await clock.advance(40);
  timer.begin();
  await clock.advance(60);
  timer.end();
  timer.end();
  assert.deepEqual(timer.take(), [100]);
  assert.deepEqual(timer.take(), []);
  timer.begin();
  await clock.advance(7);
  timer.end();
  assert.deepEqual(timer.take(), [7]);
});
