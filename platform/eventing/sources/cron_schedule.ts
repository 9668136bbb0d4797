/**
 * A PingSource schedule: standard 5-field cron, or 6 fields with a leading seconds field, or a
 * descriptor (`@hourly`, `@daily`...), in a time zone (`timezone`, or a `CRON_TZ=`/`TZ=` prefix as
 * Knative's cron parser accepts). `@every` is refused, as Knative does. Evaluated with croner; no
 * timers here.
 */
import { Cron } from "croner";

export interface CronSchedule {
  /** The cron expression without any time zone prefix. */
  expression: string;
  /** IANA time zone; undefined means UTC. */
  timezone?: string;
  cron: Cron;
}

export interface ScheduleProblem {
  field: "schedule" | "timezone";
  message: string;
}

const TZ_PREFIX = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/s;

/** Whether `zone` names an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Parses a schedule and its time zone, or says which field is wrong and why. */
export function parseSchedule(
  schedule: string,
  timezone?: string,
): { schedule: CronSchedule } | { problems: ScheduleProblem[] } {
  let expression = schedule.trim();
  let zone = timezone || undefined;
  const prefixed = TZ_PREFIX.exec(expression);
  if (prefixed) {
    if (zone) {
      return {
        problems: [{ field: "schedule", message: "may not carry a CRON_TZ= prefix when timezone is set" }],
      };
    }
    zone = prefixed[1];
    expression = prefixed[2].trim();
  }
  const problems: ScheduleProblem[] = [];
  if (zone !== undefined && !isTimeZone(zone)) {
    problems.push({
      field: prefixed ? "schedule" : "timezone",
      message: `unknown time zone "${zone}": use an IANA name such as Europe/Paris`,
    });
  }
  if (expression.startsWith("@every")) {
    problems.push({ field: "schedule", message: "unsupported descriptor @every" });
  } else if (expression === "") {
    problems.push({ field: "schedule", message: "must not be empty" });
  } else if (!expression.startsWith("@")) {
    const fields = expression.split(/\s+/).length;
    if (fields !== 5 && fields !== 6) {
      problems.push({
        field: "schedule",
        message:
          `must have 5 fields (minute hour day month weekday) or 6 with leading seconds, not ${fields}`,
      });
    }
  }
  if (problems.length) return { problems };
  try {
    const cron = new Cron(expression, { mode: "5-or-6-parts", timezone: zone ?? "Etc/UTC" });
    return { schedule: zone ? { expression, timezone: zone, cron } : { expression, cron } };
  } catch (err) {
    const message = (err as Error).message.replace(/^Cron\w*:\s*/, "");
    return { problems: [{ field: "schedule", message: `is not a valid cron expression: ${message}` }] };
  }
}

/** The first time strictly after `after` at which the schedule fires, or null when it never will. */
export function nextFireTime(schedule: CronSchedule, after: Date): Date | null {
  return schedule.cron.nextRun(after);
}
