import assert from "node:assert/strict";
import { FakeClock } from "./fake_clock.ts";

Deno.test("sleeps on a fake clock resolve only when time is advanced past them", async () => {
  const clock = new FakeClock(1000);
  const fired: number[] = [];
  clock.sleep(50).then(() => fired.push(clock.now()));
  clock.sleep(20).then(() => fired.push(clock.now()));
  await clock.advance(10);
  assert.deepEqual(fired, []);
  await clock.advance(40);
  assert.deepEqual(fired, [1020, 1050]);
  assert.equal(clock.now(), 1050);
  assert.deepEqual(clock.sleeps, [50, 20]);
});

Deno.test("run jumps from timer to timer until the promise settles", async () => {
  const clock = new FakeClock();
  const result = await clock.run((async () => {
    await clock.sleep(100);
    await clock.sleep(250);
    return clock.now();
  })());
  assert.equal(result, 350);
});

Deno.test("an aborted fake sleep resolves at once and drops its timer", async () => {
  const clock = new FakeClock();
  const abort = new AbortController();
  const sleeping = clock.sleep(1000, abort.signal);
  assert.equal(clock.pendingTimers, 1);
  abort.abort();
  await sleeping;
  assert.equal(clock.pendingTimers, 0);
  assert.equal(clock.now(), 0);
});

Deno.test("run reports a promise that can never settle", async () => {
  const clock = new FakeClock();
  await assert.rejects(() => clock.run(new Promise(() => {})), /no timer is left/);
});

Deno.test("run passes a rejection through", async () => {
  const clock = new FakeClock();
  await assert.rejects(
    () =>
      clock.run((async () => {
        await clock.sleep(5);
        throw new Error("boom");
      })()),
    /boom/,
  );
});
