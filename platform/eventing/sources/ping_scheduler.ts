/**
 * Timers for PingSources: one loop per source that sleeps (on an injectable clock) until the next
 * firing, calls `fire`, and computes the firing after that. Changing a source's schedule re-arms
 * its loop; removing it stops the loop. Firings missed while the process was not running, or
 * while the clock jumped, are skipped, as cron does.
 */
import type { Clock } from "../delivery/clock.ts";
import { type CronSchedule, nextFireTime } from "./cron_schedule.ts";

/** setTimeout's longest delay; longer waits are slept in pieces. */
const MAX_SLEEP_MS = 2 ** 31 - 1;

/** Called at each firing with the scheduled instant; its promise is awaited only to log failures. */
export type FireFn = (key: string, scheduledAt: Date) => void | Promise<void>;

interface Armed {
  /** Identifies the schedule, to re-arm only when it changed. */
  identity: string;
  abort: AbortController;
}

export class PingScheduler {
  #armed = new Map<string, Armed>();

  constructor(
    private readonly clock: Clock,
    private readonly fire: FireFn,
    private readonly onError: (key: string, err: unknown) => void = () => {},
  ) {}

  /** Arms (or re-arms, when the schedule changed) the loop for `key`. */
  set(key: string, schedule: CronSchedule) {
    const identity = `${schedule.timezone ?? "UTC"} ${schedule.expression}`;
    const current = this.#armed.get(key);
    if (current?.identity === identity) return;
    current?.abort.abort();
    const armed: Armed = { identity, abort: new AbortController() };
    this.#armed.set(key, armed);
    this.#loop(key, schedule, armed.abort.signal);
  }

  remove(key: string) {
    this.#armed.get(key)?.abort.abort();
    this.#armed.delete(key);
  }

  keys(): string[] {
    return [...this.#armed.keys()];
  }

  stopAll() {
    for (const key of this.keys()) this.remove(key);
  }

  async #loop(key: string, schedule: CronSchedule, signal: AbortSignal) {
    let from = this.clock.now();
    while (!signal.aborted) {
      const next = nextFireTime(schedule, new Date(from));
      if (!next) return;
      while (!signal.aborted && this.clock.now() < next.getTime()) {
        await this.clock.sleep(Math.min(MAX_SLEEP_MS, next.getTime() - this.clock.now()), signal);
      }
      if (signal.aborted) return;
      try {
        Promise.resolve(this.fire(key, next)).catch((err) => this.onError(key, err));
      } catch (err) {
        this.onError(key, err);
      }
      // The next firing follows this one, or now when time jumped past several.
      from = Math.max(next.getTime(), this.clock.now());
    }
  }
}
