/**
 * `resources.limits.cpu` for a pool host that runs one revision's instances. While requests are in
 * flight, each may use `cores` seconds of CPU per second of wall time (500m = 0.5 s per s); what the
 * host uses beyond that builds up as debt, paid back at the same rate while it stays under. Past
 * `burstMs` of debt the host is over its budget: its requests are answered 503 and it is recycled.
 * With nothing in flight the debt is forgiven (an idle instance is not charged for its GC).
 */
export class CpuBudget {
  #lastCpuMicros: number | undefined;
  #lastAt = 0;
  #debtMs = 0;

  constructor(readonly cores: number, readonly burstMs: number) {}

  /** How much CPU beyond the allowance has been used, ms. */
  get debtMs(): number {
    return this.#debtMs;
  }

  /**
   * A heartbeat: the host's cumulative CPU time, when it was read (ms) and the requests in flight.
   * True when the budget is exceeded.
   */
  observe(cpuMicros: number, at: number, inFlight: number): boolean {
    const last = this.#lastCpuMicros;
    const wallMs = at - this.#lastAt;
    this.#lastCpuMicros = cpuMicros;
    this.#lastAt = at;
    if (last === undefined || wallMs <= 0) return false;
    if (inFlight === 0) {
      this.#debtMs = 0;
      return false;
    }
    const usedMs = (cpuMicros - last) / 1000;
    this.#debtMs = Math.max(0, this.#debtMs + usedMs - this.cores * wallMs * inFlight);
    return this.#debtMs > this.burstMs;
  }
}

/** The debt a request may run up before it is cut: one second at its limit, at least 50 ms. */
export function cpuBurstMs(cores: number): number {
  return Math.max(50, 1000 * cores);
}

/** Starts the reason a host is killed for exceeding its CPU limit (its requests get 503, not 502). */
export const CPU_LIMIT_EXCEEDED = "exceeded its CPU limit";
