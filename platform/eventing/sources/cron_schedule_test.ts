import { deepStrictEqual as assertEquals, equal, ok as assert } from "node:assert/strict";
import { type CronSchedule, nextFireTime, parseSchedule, type ScheduleProblem } from "./cron_schedule.ts";

function parsed(schedule: string, timezone?: string): CronSchedule {
  const result = parseSchedule(schedule, timezone);
  if (!("schedule" in result)) throw new Error(`refused: ${JSON.stringify(result.problems)}`);
  return result.schedule;
}

function problems(schedule: string, timezone?: string): ScheduleProblem[] {
  const result = parseSchedule(schedule, timezone);
  return "problems" in result ? result.problems : [];
}

function firings(s: CronSchedule, from: string, count: number): string[] {
  const out: string[] = [];
  let at = new Date(from);
  for (let i = 0; i < count; i++) {
    at = nextFireTime(s, at)!;
    out.push(at.toISOString());
  }
  return out;
}

Deno.test("a leading seconds field fires every two seconds", () => {
  assertEquals(firings(parsed("*/2 * * * * *"), "2024-03-01T10:00:00.500Z", 3), [
    "2024-03-01T10:00:02.000Z",
    "2024-03-01T10:00:04.000Z",
    "2024-03-01T10:00:06.000Z",
  ]);
});

Deno.test("the next firing is strictly after the given instant", () => {
  equal(
    nextFireTime(parsed("*/2 * * * * *"), new Date("2024-03-01T10:00:02.000Z"))!.toISOString(),
    "2024-03-01T10:00:04.000Z",
  );
});

Deno.test("five fields fire at second zero of each matching minute", () => {
  assertEquals(firings(parsed("*/2 * * * *"), "2024-03-01T10:00:30Z", 2), [
    "2024-03-01T10:02:00.000Z",
    "2024-03-01T10:04:00.000Z",
  ]);
});

Deno.test("without a time zone the schedule is read in UTC", () => {
  assertEquals(firings(parsed("0 9 * * *"), "2024-01-10T00:00:00Z", 1), ["2024-01-10T09:00:00.000Z"]);
});

Deno.test("the timezone field moves the firing with the zone's daylight saving time", () => {
  const paris = parsed("0 9 * * *", "Europe/Paris");
  assertEquals(firings(paris, "2024-01-10T00:00:00Z", 1), ["2024-01-10T08:00:00.000Z"]);
  assertEquals(firings(paris, "2024-07-10T00:00:00Z", 1), ["2024-07-10T07:00:00.000Z"]);
  // Across the spring change (31 March 2024) the local time stays 09:00.
  assertEquals(firings(paris, "2024-03-30T12:00:00Z", 2), [
    "2024-03-31T07:00:00.000Z",
    "2024-04-01T07:00:00.000Z",
  ]);
});

Deno.test("a CRON_TZ prefix sets the zone as Knative's parser allows", () => {
  const s = parsed("CRON_TZ=Asia/Tokyo 30 8 * * *");
  equal(s.timezone, "Asia/Tokyo");
  equal(s.expression, "30 8 * * *");
  assertEquals(firings(s, "2024-05-01T00:00:00Z", 1), ["2024-05-01T23:30:00.000Z"]);
});

Deno.test("a CRON_TZ prefix together with the timezone field is refused", () => {
  assertEquals(problems("CRON_TZ=Asia/Tokyo * * * * *", "Europe/Paris").map((p) => p.field), ["schedule"]);
});

Deno.test("an unknown time zone is reported on the timezone field", () => {
  const found = problems("* * * * *", "Mars/Olympus_Mons");
  assertEquals(found.map((p) => p.field), ["timezone"]);
  assert(found[0].message.includes("Mars/Olympus_Mons"));
});

Deno.test("descriptors are accepted and @every is refused as in Knative", () => {
  assertEquals(firings(parsed("@hourly"), "2024-03-01T10:20:00Z", 1), ["2024-03-01T11:00:00.000Z"]);
  assert(problems("@every 1m")[0].message.includes("@every"));
});

Deno.test("wrong field counts and out-of-range values are refused with a reason", () => {
  assert(problems("* * * *")[0].message.includes("not 4"));
  assert(problems("1 2 3 4 5 6 7")[0].message.includes("not 7"));
  assert(problems("61 * * * *")[0].message.includes("minute"));
  assert(problems("*/0 * * * *")[0].message.includes("stepping"));
  assert(problems("   ")[0].message.includes("empty"));
});

Deno.test("a schedule that can never fire has no next firing", () => {
  equal(nextFireTime(parsed("0 0 30 2 *"), new Date("2024-01-01T00:00:00Z")), null);
});
