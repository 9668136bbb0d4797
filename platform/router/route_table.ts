/**
 * What the data plane routes by: for each Service, a weighted split over its revisions and a map
 * of traffic tags to revisions. Filled by the Route reconciler from Route status.
 */
import type { ResolvedTrafficTarget } from "../resources/service.ts";
import { SmoothWeightedRoundRobin } from "./traffic_split.ts";

export interface ServiceRoutes {
  split: SmoothWeightedRoundRobin<string>;
  tags: Map<string, string>;
}

export class RouteTable {
  #routes = new Map<string, ServiceRoutes>();

  set(namespace: string, service: string, targets: ResolvedTrafficTarget[]) {
    // Several targets may name one revision (a tag plus latestRevision): add their percents.
    const weights = new Map<string, number>();
    const tags = new Map<string, string>();
    for (const t of targets) {
      weights.set(t.revisionName, (weights.get(t.revisionName) ?? 0) + t.percent);
      if (t.tag) tags.set(t.tag, t.revisionName);
    }
    const split = new SmoothWeightedRoundRobin([...weights].map(([item, weight]) => ({ item, weight })));
    this.#routes.set(`${namespace}/${service}`, { split, tags });
  }

  delete(namespace: string, service: string) {
    this.#routes.delete(`${namespace}/${service}`);
  }

  get(namespace: string, service: string): ServiceRoutes | undefined {
    return this.#routes.get(`${namespace}/${service}`);
  }

  has(namespace: string, service: string): boolean {
    return this.#routes.has(`${namespace}/${service}`);
  }
}
