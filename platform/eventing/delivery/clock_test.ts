import assert from "node:assert/strict";
import { systemClock } from "./clock.ts";

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
