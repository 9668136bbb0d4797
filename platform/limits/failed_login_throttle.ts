/**
 * Slows down token guessing on the admin and API ports: a client (by remote address) that sent
 * `maxFailures` wrong tokens within `windowMs` is refused (429) until the window has passed, even
 * with the right token. The token is 256 bits, so this is belt and braces against a noisy
 * neighbour, not the token's strength.
 */
export interface ThrottleOptions {
  /** @default 20 */
  maxFailures?: number;
  /** @default 60_000 */
  windowMs?: number;
  /** Clients remembered at most (the oldest is forgotten first). @default 10_000 */
  maxClients?: number;
  now?: () => number;
}

export class FailedLoginThrottle {
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #maxClients: number;
  readonly #now: () => number;
  /** Remote address -> times of its recent failures. */
  #failures = new Map<string, number[]>();

  constructor(opts: ThrottleOptions = {}) {
    this.#maxFailures = opts.maxFailures ?? 20;
    this.#windowMs = opts.windowMs ?? 60_000;
    this.#maxClients = opts.maxClients ?? 10_000;
    this.#now = opts.now ?? Date.now;
  }

  /** Seconds the client must wait before trying again, or 0 when it may try now. */
  retryAfterSeconds(client: string): number {
    const recent = this.#recent(client);
    if (recent.length < this.#maxFailures) return 0;
    return Math.max(1, Math.ceil((recent[0] + this.#windowMs - this.#now()) / 1000));
  }

  recordFailure(client: string) {
    const recent = this.#recent(client);
    recent.push(this.#now());
    this.#failures.delete(client);
    this.#failures.set(client, recent);
    if (this.#failures.size > this.#maxClients) {
      this.#failures.delete(this.#failures.keys().next().value!);
    }
  }

  #recent(client: string): number[] {
    const since = this.#now() - this.#windowMs;
    const times = (this.#failures.get(client) ?? []).filter((t) => t > since);
    if (times.length === 0) this.#failures.delete(client);
    return times;
  }
}
