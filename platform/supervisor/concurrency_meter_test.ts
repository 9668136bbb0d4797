import assert from "node:assert/strict";
import { ConcurrencyMeter, MeterReading } from "./concurrency_meter.ts";
import { FakeClock } from "../clock/fake_clock.ts";

Deno.test("the meter averages concurrency over time between two reads", async () => {
  const clock = new FakeClock(0);
  const meter = new ConcurrencyMeter(clock);
  const reading = new MeterReading();
  reading.read(meter.totals(), meter.current);
  meter.enter();
  meter.enter();
  await clock.advance(500);
  meter.leave();
  await clock.advance(500);
  // 2 requests for 500 ms, then 1 for 500 ms: 1.5 on average over the second.
  assert.deepEqual(reading.read(meter.totals(), meter.current), { concurrency: 1.5, requests: 2 });
  await clock.advance(1000);
  assert.deepEqual(reading.read(meter.totals(), meter.current), { concurrency: 1, requests: 0 });
});

Deno.test("two readers of one meter do not reset each other's window", async () => {
  const clock = new FakeClock(0);
  const meter = new ConcurrencyMeter(clock);
  const tick = new MeterReading();
  const poke = new MeterReading();
  tick.read(meter.totals(), meter.current);
  poke.read(meter.totals(), meter.current);
  meter.enter();
  await clock.advance(1000);
  assert.deepEqual(poke.read(meter.totals(), meter.current), { concurrency: 1, requests: 1 });
  meter.leave();
  await clock.advance(1000);
  assert.deepEqual(tick.read(meter.totals(), meter.current), { concurrency: 0.5, requests: 1 });
});

Deno.test("a first read has no window yet: it reports what is in flight now", () => {
  const meter = new ConcurrencyMeter(new FakeClock(0));
  meter.enter();
  assert.deepEqual(new MeterReading().read(meter.totals(), meter.current), { concurrency: 1, requests: 0 });
  meter.leave();
  meter.leave();
  assert.equal(meter.current, 0);
});
