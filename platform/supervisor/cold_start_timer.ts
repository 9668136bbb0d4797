/**
 * Cold starts of one revision as the caller sees them: from the first request held while no instance
 * was live to the moment an instance is ready. Durations pile up until the metrics take them.
 */
import type { Clock } from "../clock/clock.ts";

export class ColdStartTimer {
  #since: number | null = null;
  #durations: number[] = [];

  constructor(private readonly clock: Clock) {}

  /** A request waits with no instance live (only the first such request of a cold start counts). */
  begin() {
    this.#since ??= this.clock.now();
  }

  /** An instance became ready: ends the cold start, if one was under way. */
  end() {
    if (this.#since === null) return;
    this.#durations.push(this.clock.now() - this.#since);
    this.#since = null;
  }

  /** Durations (ms) of the cold starts ended since the last call. */
  take(): number[] {
    return this.#durations.splice(0);
  }
}
