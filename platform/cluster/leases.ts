/**
 * Leases in the cluster database for work one node does continuously (an ApiServerSource's
 * dispatch): the holder renews its row every `renewMs`; another node takes a lease over once it
 * has expired, so a dead holder's work moves within `durationMs + renewMs`. A node counts a
 * lease as held only until its own copy of the expiry passes, so it stops before anyone takes over.
 */
import type { Sql } from "postgres";
import type { Logger } from "../log.ts";

export interface LeaseOptions {
  sql: Sql;
  node: string;
  names: string[];
  durationMs: number;
  renewMs: number;
  log: Logger;
}

export class Leases {
  #heldUntil = new Map<string, number>();
  #timer: ReturnType<typeof setInterval> | null = null;
  #busy = false;

  constructor(private readonly opts: LeaseOptions) {}

  /** Whether this node holds the lease now. */
  holds(name: string): boolean {
    return (this.#heldUntil.get(name) ?? 0) > performance.now();
  }

  async start() {
    await this.renew();
    this.#timer = setInterval(() => this.renew(), this.opts.renewMs);
  }

  /** Takes or renews every lease that is free, expired or already this node's. */
  async renew() {
    if (this.#busy) return;
    this.#busy = true;
    const { sql, node, durationMs } = this.opts;
    try {
      for (const name of this.opts.names) {
        const asked = performance.now();
        const rows = await sql`INSERT INTO leases (name, holder, expires_at)
          VALUES (${name}, ${node}, now() + make_interval(secs => ${durationMs / 1000}))
          ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
          WHERE leases.holder = EXCLUDED.holder OR leases.expires_at < now()
          RETURNING holder`;
        if (rows.length === 1) {
          if (!this.holds(name)) this.opts.log.info(`holding the ${name} lease`);
          this.#heldUntil.set(name, asked + durationMs);
        } else this.#heldUntil.delete(name);
      }
    } catch (err) {
      this.opts.log.warn(`renewing leases failed: ${(err as Error).message}`);
    } finally {
      this.#busy = false;
    }
  }

  /** Gives the leases back, so another node takes them at its next renewal. */
  async stop() {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#heldUntil.clear();
    await this.opts.sql`DELETE FROM leases WHERE holder = ${this.opts.node}`.catch(() => {});
  }
}
