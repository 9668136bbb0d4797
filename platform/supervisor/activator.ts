/**
 * The activator of one revision: holds requests that find no instance with room, asks for capacity,
 * and hands each held request the next instance slot that frees up, in arrival order. A held
 * request that waits past its deadline gets 504; one that finds the queue full gets 503.
 *
 * Whether it is also in the path of requests that find room (Knative's target-burst-capacity) is
 * the autoscaler's decision (autoscaler/activator_path.ts), kept here as `inPath`.
 */
import { after, type Clock } from "../clock/clock.ts";
import { errorResponse } from "../http/error_response.ts";

export interface ActivatorOptions<T> {
  clock: Clock;
  /** For messages: the revision's name. */
  revision: string;
  /** An instance with room, its slot already taken; undefined when there is none. */
  pick: () => T | undefined;
  /** How many requests may be held at once. */
  queueBound: () => number;
  /** A request was just held: ask for capacity (`held` requests now wait). */
  askCapacity: (held: number) => void;
}

interface Held<T> {
  grant: (instance: T) => void;
  refuse: (response: Response) => void;
}

export class Activator<T> {
  #held: Held<T>[] = [];
  #inPath = true;

  constructor(private readonly opts: ActivatorOptions<T>) {}

  /**
   * Whether the activator is in the path of every request, as the autoscaler decides from Knative's
   * target-burst-capacity (autoscaler/activator_path.ts); in it from the start, as in Knative. In
   * the path, every request is admitted through it, behind the ones it holds; out of it, a request
   * takes a free instance slot directly. With no slot free it holds requests either way: an instance
   * has no queue of its own here (the activator's queue is queue-proxy's too).
   */
  get inPath(): boolean {
    return this.#inPath;
  }

  /** Sets whether it is in the path; true when that changed. */
  setInPath(inPath: boolean): boolean {
    if (inPath === this.#inPath) return false;
    this.#inPath = inPath;
    return true;
  }

  /** Requests waiting now. */
  get held(): number {
    return this.#held.length;
  }

  /** Waits for an instance slot until `deadline` (clock time); an error Response instead when none comes. */
  hold(deadline: number): Promise<T | Response> {
    const { clock, revision } = this.opts;
    if (this.#held.length >= this.opts.queueBound()) {
      return Promise.resolve(errorResponse(503, `revision "${revision}" is overloaded: queue full`));
    }
    return new Promise((resolve) => {
      const cancel = after(clock, Math.max(0, deadline - clock.now()), () => {
        const idx = this.#held.indexOf(held);
        if (idx >= 0) this.#held.splice(idx, 1);
        resolve(errorResponse(504, `revision "${revision}" did not answer within its timeout`));
      });
      const held: Held<T> = {
        grant: (instance) => {
          cancel();
          resolve(instance);
        },
        refuse: (response) => {
          cancel();
          resolve(response);
        },
      };
      this.#held.push(held);
      this.opts.askCapacity(this.#held.length);
    });
  }

  /** Hands free slots to held requests, oldest first. */
  drain() {
    while (this.#held.length > 0) {
      const instance = this.opts.pick();
      if (instance === undefined) return;
      this.#held.shift()!.grant(instance);
    }
  }

  /** Answers every held request with `response()` (nothing can serve them). */
  refuseAll(response: () => Response) {
    for (const held of this.#held.splice(0)) held.refuse(response());
  }
}

/**
 * How many requests a revision's activator may hold: Knative's queue-proxy depth, `queueDepthFactor`
 * × containerConcurrency per instance (at least one instance), or a fixed bound when
 * containerConcurrency is 0 (unlimited).
 */
export function queueBound(
  limits: { queueDepthFactor: number; unboundedQueueDepth: number },
  containerConcurrency: number,
  instances: number,
): number {
  if (containerConcurrency === 0) return limits.unboundedQueueDepth;
  return limits.queueDepthFactor * containerConcurrency * Math.max(1, instances);
}
