/**
 * What the data plane routes by: for each Service, a weighted split over its revisions and a map
 * of traffic tags to revisions. Filled by the Route reconciler from Route status.
 */
import type { ResolvedTrafficTarget } from "../resources/service.ts";
import { SmoothWeightedRoundRobin } from "./traffic_split.ts";

export interface ServiceRoutes {
  split: SmoothWeightedRoundRobin<string>;
  tags: Map<string, string>;
  /** The weights the split was built from, `revision=percent` joined: equal weights keep the split. */
  weights: string;
}

export class RouteTable {
  #routes = new Map<string, ServiceRoutes>();
  /** Changes whenever the set of Services does (what was looked up by host may have changed meaning). */
  version = 0;

  /**
   * Sets a Service's traffic. The split's round-robin state is kept when the weights are the ones
   * it already has: a Route is reconciled on every revision status write (replica counts included),
   * and restarting the sequence each time would break "within one per 100 requests" while scaling.
   */
  set(namespace: string, service: string, targets: ResolvedTrafficTarget[]) {
    // Several targets may name one revision (a tag plus latestRevision): add their percents.
    const weights = new Map<string, number>();
    const tags = new Map<string, string>();
    for (const t of targets) {
      weights.set(t.revisionName, (weights.get(t.revisionName) ?? 0) + t.percent);
      if (t.tag) tags.set(t.tag, t.revisionName);
    }
    const key = `${namespace}/${service}`;
    const signature = [...weights].map(([rev, w]) => `${rev}=${w}`).sort().join(",");
    const current = this.#routes.get(key);
    if (current?.weights === signature) {
      current.tags = tags;
      return;
    }
    const split = new SmoothWeightedRoundRobin([...weights].map(([item, weight]) => ({ item, weight })));
    if (!current) this.version++;
    this.#routes.set(key, { split, tags, weights: signature });
  }

  delete(namespace: string, service: string) {
    if (this.#routes.delete(`${namespace}/${service}`)) this.version++;
  }

  get(namespace: string, service: string): ServiceRoutes | undefined {
    return this.#routes.get(`${namespace}/${service}`);
  }

  has(namespace: string, service: string): boolean {
    return this.#routes.has(`${namespace}/${service}`);
  }
}
