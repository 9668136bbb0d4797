import assert from "node:assert/strict";
import { after, systemClock } from "./clock.ts";

Deno.test("the system clock sleeps for real time", async () => {
  const start = performance.now();
  await systemClock.sleep(15);
  assert.ok(performance.now() - start >= 10);
  assert.ok(Math.abs(systemClock.now() - Date.now()) < 1000);
});

Deno.test("an aborted system sleep resolves early and leaves no timer behind", async () => {
  const abort = new AbortController();
  const start = performance.now();
  const sleeping = systemClock.sleep(60_000, abort.signal);
  abort.abort();
  await sleeping;
  assert.ok(performance.now() - start < 1000);
  await systemClock.sleep(5, AbortSignal.abort());
});

Deno.test("after() runs its function once time has come, and never when cancelled first", async () => {
  const { FakeClock } = await import("./fake_clock.ts");
  const clock = new FakeClock(0);
  const fired: string[] = [];
  after(clock, 100, () => fired.push("a"));
  const cancel = after(clock, 50, () => fired.push("b"));
  cancel();
  await clock.advance(99);
  assert.deepEqual(fired, []);
  await clock.advance(1);
  assert.deepEqual(fired, ["a"]);
});
