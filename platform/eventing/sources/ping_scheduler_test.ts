import { deepStrictEqual as assertEquals, equal } from "node:assert/strict";
import { FakeClock } from "../delivery/fake_clock.ts";
import { type CronSchedule, parseSchedule } from "./cron_schedule.ts";
import { PingScheduler } from "./ping_scheduler.ts";

const START = Date.parse("2024-03-01T10:00:00.500Z");

function schedule(expression: string, timezone?: string): CronSchedule {
  const result = parseSchedule(expression, timezone);
  if (!("schedule" in result)) throw new Error(JSON.stringify(result.problems));
  return result.schedule;
}

function recorder(clock: FakeClock) {
  const fired: string[] = [];
  const scheduler = new PingScheduler(clock, (key, at) => {
    fired.push(
      `${key}@${at.toISOString().slice(11, 19)}/${new Date(clock.now()).toISOString().slice(11, 19)}`,
    );
  });
  return { fired, scheduler };
}

Deno.test("a two-second schedule fires at each even second on the clock", async () => {
  const clock = new FakeClock(START);
  const { fired, scheduler } = recorder(clock);
  scheduler.set("a", schedule("*/2 * * * * *"));
  await clock.advance(5_000);
  assertEquals(fired, ["a@10:00:02/10:00:02", "a@10:00:04/10:00:04"]);
  scheduler.stopAll();
});

Deno.test("a changed schedule re-arms the timer and the old one never fires again", async () => {
  const clock = new FakeClock(START);
  const { fired, scheduler } = recorder(clock);
  scheduler.set("a", schedule("*/2 * * * * *"));
  await clock.advance(2_000);
  scheduler.set("a", schedule("*/5 * * * * *"));
  await clock.advance(8_000);
  assertEquals(fired, ["a@10:00:02/10:00:02", "a@10:00:05/10:00:05", "a@10:00:10/10:00:10"]);
  scheduler.stopAll();
});

Deno.test("setting the same schedule again keeps the armed timer", async () => {
  const clock = new FakeClock(START);
  const { fired, scheduler } = recorder(clock);
  scheduler.set("a", schedule("*/2 * * * * *"));
  await clock.advance(1_000);
  scheduler.set("a", schedule("*/2 * * * * *"));
  equal(clock.pendingTimers, 1);
  await clock.advance(1_000);
  assertEquals(fired, ["a@10:00:02/10:00:02"]);
  scheduler.stopAll();
});

Deno.test("a removed source stops firing and leaves no timer behind", async () => {
  const clock = new FakeClock(START);
  const { fired, scheduler } = recorder(clock);
  scheduler.set("a", schedule("*/2 * * * * *"));
  scheduler.set("b", schedule("*/3 * * * * *"));
  await clock.advance(2_000);
  scheduler.remove("a");
  await clock.advance(4_000);
  assertEquals(fired, ["a@10:00:02/10:00:02", "b@10:00:03/10:00:03", "b@10:00:06/10:00:06"]);
  assertEquals(scheduler.keys(), ["b"]);
  scheduler.stopAll();
  await clock.advance(0);
  equal(clock.pendingTimers, 0);
});

Deno.test("a daily schedule in a time zone sleeps until that zone's wall-clock time", async () => {
  const clock = new FakeClock(Date.parse("2024-07-10T00:00:00Z"));
  const { fired, scheduler } = recorder(clock);
  scheduler.set("daily", schedule("0 9 * * *", "Europe/Paris"));
  await clock.advance(24 * 3600_000);
  assertEquals(fired, ["daily@07:00:00/07:00:00"]);
  scheduler.stopAll();
});

Deno.test("a failing fire callback is reported and the schedule goes on", async () => {
  const clock = new FakeClock(START);
  const errors: string[] = [];
  let calls = 0;
  const scheduler = new PingScheduler(clock, () => {
    calls++;
    return Promise.reject(new Error("sink down"));
  }, (key, err) => errors.push(`${key}: ${(err as Error).message}`));
  scheduler.set("a", schedule("*/2 * * * * *"));
  await clock.advance(4_000);
  equal(calls, 2);
  assertEquals(errors, ["a: sink down", "a: sink down"]);
  scheduler.stopAll();
});
