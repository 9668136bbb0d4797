/**
 * Scheduled scaling (Denative's `autoscaling.denative.dev/schedule`, after Alibaba Cloud's cron HPA and KEDA's
 * cron scaler): each window holds a floor of instances between a `start` and an `end` cron occurrence, in a time
 * zone. The reactive decision and the schedule combine by taking the maximum.
 *
 * A window is active at `now` when the most recent `start` occurrence (at or before `now`) is later than the
 * most recent `end` occurrence. This needs no notion of "the same day", so windows that cross midnight
 * (`start: 0 22 * * *`, `end: 0 6 * * *`) and weekly windows (`start: 0 18 * * 5`, `end: 0 8 * * 1`) work.
 * When both fall on the same instant the window is closed (the end wins).
 */

import { Cron } from "croner";

export interface ScheduleWindow {
  /** Cron pattern (5, 6 or 7 fields, croner syntax) of the moments the window opens. */
  readonly start: string;
  /** Cron pattern of the moments the window closes. */
  readonly end: string;
  /** Instances to keep at least while the window is open. */
  readonly minScale: number;
  /** IANA time zone the patterns are read in; `UTC` when the annotation leaves it out. */
  readonly timezone: string;
}

export interface ScheduleFloor {
  /** The largest `minScale` of the windows open at `now`, 0 when none is. */
  readonly floor: number;
  /** The open windows. */
  readonly active: readonly ScheduleWindow[];
}

const patterns = new Map<string, Cron>();

/** A parsed cron pattern (memoised: parsing is the expensive part and specs are re-evaluated every tick). */
export function cronFor(pattern: string, timezone: string): Cron {
  const key = `${timezone}\u0000${pattern}`;
  let cron = patterns.get(key);
  if (!cron) {
    // No callback is passed, so croner schedules no timer: this object only computes occurrences.
    cron = new Cron(pattern, { timezone });
    if (patterns.size > 1000) patterns.clear();
    patterns.set(key, cron);
  }
  return cron;
}

/** The latest occurrence of `pattern` at or before `now` (epoch ms), or null if there was none. */
export function lastOccurrence(pattern: string, timezone: string, now: number): number | null {
  // previousRuns() excludes a run exactly at the reference; 1 ms later includes it.
  const [run] = cronFor(pattern, timezone).previousRuns(1, new Date(now + 1));
  return run ? run.getTime() : null;
}

/** Whether the window is open at `now` (epoch ms). */
export function isWindowActive(window: ScheduleWindow, now: number): boolean {
  const start = lastOccurrence(window.start, window.timezone, now);
  if (start === null) return false;
  const end = lastOccurrence(window.end, window.timezone, now);
  return end === null || start > end;
}

/** The floor of instances the schedule imposes at `now` (epoch ms). */
export function scheduleFloor(windows: readonly ScheduleWindow[], now: number): ScheduleFloor {
  const active = windows.filter((window) => isWindowActive(window, now));
  const floor = active.reduce((highest, window) => Math.max(highest, window.minScale), 0);
  return { floor, active };
}

/** One line for logs: `0 9 * * 1-5 → 0 18 * * 1-5 (Asia/Shanghai) min 3`. */
export function describeWindow(window: ScheduleWindow): string {
  return `${window.start} → ${window.end} (${window.timezone}) min ${window.minScale}`;
}
