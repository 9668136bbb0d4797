import { deepStrictEqual as assertEquals } from "node:assert/strict";
import {
  describeWindow,
  isWindowActive,
  lastOccurrence,
  scheduleFloor,
  type ScheduleWindow,
} from "./schedule.ts";

const at = (iso: string) => Date.parse(iso);

const OFFICE_UTC: ScheduleWindow = { start: "0 9 * * *", end: "0 17 * * *", minScale: 2, timezone: "UTC" };
const NIGHT_UTC: ScheduleWindow = { start: "0 22 * * *", end: "0 6 * * *", minScale: 4, timezone: "UTC" };
const OFFICE_SHANGHAI: ScheduleWindow = {
  start: "0 9 * * 1-5",
  end: "0 18 * * 1-5",
  minScale: 3,
  timezone: "Asia/Shanghai",
};
const NIGHT_SHANGHAI: ScheduleWindow = {
  start: "0 22 * * *",
  end: "0 2 * * *",
  minScale: 5,
  timezone: "Asia/Shanghai",
};
const WEEKEND_UTC: ScheduleWindow = { start: "0 18 * * 5", end: "0 8 * * 1", minScale: 1, timezone: "UTC" };

const CASES: [string, ScheduleWindow, string, boolean][] = [
  ["a day window is open exactly at its start", OFFICE_UTC, "2024-03-05T09:00:00Z", true],
  ["a day window is closed a second before its start", OFFICE_UTC, "2024-03-05T08:59:59Z", false],
  ["a day window is open at noon", OFFICE_UTC, "2024-03-05T12:00:00Z", true],
  ["a day window is closed exactly at its end", OFFICE_UTC, "2024-03-05T17:00:00Z", false],
  ["a day window is open a millisecond before its end", OFFICE_UTC, "2024-03-05T16:59:59.999Z", true],
  ["a window crossing midnight is open before midnight", NIGHT_UTC, "2024-03-05T23:00:00Z", true],
  ["a window crossing midnight is open after midnight", NIGHT_UTC, "2024-03-06T03:00:00Z", true],
  ["a window crossing midnight is closed at midday", NIGHT_UTC, "2024-03-06T12:00:00Z", false],
  ["a window crossing midnight is closed at its end", NIGHT_UTC, "2024-03-06T06:00:00Z", false],
  // Asia/Shanghai is UTC+8 all year: 09:00 there is 01:00Z, 18:00 there is 10:00Z.
  ["a Shanghai window opens at 09:00 Shanghai time (01:00Z)", OFFICE_SHANGHAI, "2024-03-05T01:00:00Z", true],
  ["a Shanghai window is closed at 08:59 Shanghai time", OFFICE_SHANGHAI, "2024-03-05T00:59:00Z", false],
  ["a Shanghai window is open at 09:00Z (17:00 Shanghai)", OFFICE_SHANGHAI, "2024-03-05T09:00:00Z", true],
  [
    "a Shanghai window closes at 18:00 Shanghai time (10:00Z)",
    OFFICE_SHANGHAI,
    "2024-03-05T10:00:00Z",
    false,
  ],
  // Monday 08:30 in Shanghai is still Sunday 00:30Z: the weekday is read in the window's zone.
  [
    "a Shanghai weekday window is closed on a Shanghai Sunday",
    OFFICE_SHANGHAI,
    "2024-03-10T03:00:00Z",
    false,
  ],
  [
    "a Shanghai weekday window is open Monday morning Shanghai time",
    OFFICE_SHANGHAI,
    "2024-03-11T01:30:00Z",
    true,
  ],
  [
    "a Shanghai night window is open at 23:00 Shanghai (15:00Z)",
    NIGHT_SHANGHAI,
    "2024-03-05T15:00:00Z",
    true,
  ],
  [
    "a Shanghai night window is open at 01:30 Shanghai (17:30Z)",
    NIGHT_SHANGHAI,
    "2024-03-05T17:30:00Z",
    true,
  ],
  [
    "a Shanghai night window closes at 02:00 Shanghai (18:00Z)",
    NIGHT_SHANGHAI,
    "2024-03-05T18:00:00Z",
    false,
  ],
  [
    "a Shanghai night window is closed at 22:00Z (06:00 Shanghai)",
    NIGHT_SHANGHAI,
    "2024-03-05T22:00:00Z",
    false,
  ],
  ["a weekend window is open on Sunday", WEEKEND_UTC, "2024-03-10T12:00:00Z", true],
  ["a weekend window is open on Friday evening", WEEKEND_UTC, "2024-03-08T19:00:00Z", true],
  ["a weekend window is closed on Wednesday", WEEKEND_UTC, "2024-03-06T12:00:00Z", false],
];

for (const [name, window, iso, expected] of CASES) {
  Deno.test(`isWindowActive(): ${name}`, () => {
    assertEquals(isWindowActive(window, at(iso)), expected);
  });
}

Deno.test("isWindowActive() keeps a window that never started closed", () => {
  const future: ScheduleWindow = {
    start: "0 0 0 1 1 * 2099",
    end: "0 0 0 2 1 * 2099",
    minScale: 9,
    timezone: "UTC",
  };
  assertEquals(isWindowActive(future, at("2024-03-05T12:00:00Z")), false);
});

Deno.test("isWindowActive() keeps a window open whose end never happened yet", () => {
  const once: ScheduleWindow = {
    start: "0 0 0 1 1 * 2024",
    end: "0 0 0 1 1 * 2099",
    minScale: 9,
    timezone: "UTC",
  };
  assertEquals(isWindowActive(once, at("2024-03-05T12:00:00Z")), true);
});

Deno.test("lastOccurrence() includes an occurrence exactly at now", () => {
  assertEquals(lastOccurrence("0 9 * * *", "UTC", at("2024-03-05T09:00:00Z")), at("2024-03-05T09:00:00Z"));
  assertEquals(lastOccurrence("0 9 * * *", "UTC", at("2024-03-05T08:59:59Z")), at("2024-03-04T09:00:00Z"));
});

Deno.test("scheduleFloor() is the largest minScale of the open windows", () => {
  const windows = [OFFICE_UTC, NIGHT_UTC, { ...OFFICE_UTC, minScale: 7, start: "0 12 * * *" }];
  assertEquals(scheduleFloor(windows, at("2024-03-05T10:00:00Z")).floor, 2);
  const noon = scheduleFloor(windows, at("2024-03-05T13:00:00Z"));
  assertEquals(noon.floor, 7);
  assertEquals(noon.active.length, 2);
  assertEquals(scheduleFloor(windows, at("2024-03-05T23:00:00Z")).floor, 4);
  assertEquals(scheduleFloor(windows, at("2024-03-05T19:00:00Z")), { floor: 0, active: [] });
  assertEquals(scheduleFloor([], at("2024-03-05T19:00:00Z")).floor, 0);
});

Deno.test("describeWindow() prints the window for logs", () => {
  assertEquals(describeWindow(OFFICE_SHANGHAI), "0 9 * * 1-5 → 0 18 * * 1-5 (Asia/Shanghai) min 3");
});
