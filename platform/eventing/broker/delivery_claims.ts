/**
 * What one node knows of the broker deliveries it claimed in the shared log (cluster mode): which it
 * holds, until when, and when to renew them. The database holds the authoritative expiry (on its own
 * clock); a node counts a claim as its own only until its local copy of that expiry passes, measured
 * from before the claim or renewal was asked, so it never believes in a claim the database already
 * gave up. No I/O: time comes from the clock, the caller does the queries.
 */
import type { Clock } from "../../clock/clock.ts";

export interface DeliveryClaimsOptions {
  /** How long a claim lasts after it was taken or renewed, ms. */
  claimMs: number;
  /** How often held claims are renewed, ms (well under `claimMs`). */
  renewMs: number;
}

export class DeliveryClaims {
  #heldUntil = new Map<number, number>();
  #lastRenewAsked = -Infinity;

  constructor(private readonly clock: Clock, private readonly opts: DeliveryClaimsOptions) {
    if (opts.renewMs >= opts.claimMs) throw new Error("claims must be renewed before they expire");
  }

  /** The moment to note before sending a claim or renewal query. */
  asking(): number {
    return this.clock.now();
  }

  /** The database granted these claims to a query sent at `askedAt`. */
  claimed(ids: number[], askedAt: number) {
    for (const id of ids) this.#heldUntil.set(id, askedAt + this.opts.claimMs);
  }

  /** The database renewed these claims (the ones it still had as this node's) for a query sent at `askedAt`. */
  renewed(ids: number[], askedAt: number) {
    for (const id of ids) if (this.#heldUntil.has(id)) this.#heldUntil.set(id, askedAt + this.opts.claimMs);
  }

  /** The delivery ended (or was handed back): no longer held. */
  released(id: number) {
    this.#heldUntil.delete(id);
  }

  holds(id: number): boolean {
    return (this.#heldUntil.get(id) ?? -Infinity) > this.clock.now();
  }

  get size(): number {
    return this.#heldUntil.size;
  }

  /** Whether held claims are due for renewal now. */
  renewDue(): boolean {
    return this.#heldUntil.size > 0 && this.clock.now() - this.#lastRenewAsked >= this.opts.renewMs;
  }

  /**
   * The claims to renew now (marks the renewal as asked); claims whose expiry already passed are
   * not among them: the database may have given them to another node.
   */
  toRenew(): { ids: number[]; askedAt: number } {
    const askedAt = this.#lastRenewAsked = this.clock.now();
    return { ids: [...this.#heldUntil].filter(([, until]) => until > askedAt).map(([id]) => id), askedAt };
  }

  /**
   * Claims whose expiry passed without a renewal (the database was unreachable, or another node
   * took them): forgotten here, returned once so the caller can say so.
   */
  expired(): number[] {
    const now = this.clock.now();
    const gone: number[] = [];
    for (const [id, until] of this.#heldUntil) {
      if (until <= now) {
        gone.push(id);
        this.#heldUntil.delete(id);
      }
    }
    return gone;
  }

  /** Every claim still held, e.g. to hand back at shutdown. */
  all(): number[] {
    return [...this.#heldUntil.keys()];
  }
}

/** How many more deliveries of a trigger a node may claim now. */
export function claimBudget(concurrency: number, inFlight: number): number {
  return Math.max(0, concurrency - inFlight);
}
