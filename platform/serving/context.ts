/** What the serving reconcilers share: the store, the clock, the URL scheme and the runtime. */
import type { ResourceStore } from "../store/resource_store.ts";
import type { BundleStore } from "../store/bundle_store.ts";
import type { Supervisor } from "../supervisor/supervisor.ts";
import type { RouteTable } from "../router/route_table.ts";
import type { Logger } from "../log.ts";
import type { UrlScheme } from "./builders.ts";

export interface ServingContext {
  store: ResourceStore;
  bundles: BundleStore;
  supervisor: Supervisor;
  routes: RouteTable;
  scheme: UrlScheme;
  log: Logger;
  now: () => Date;
  /** Cluster defaults for `resources.limits` (Knative's config-defaults revision-memory-limit, revision-cpu-limit). */
  revisionLimitDefaults?: { memory?: string; cpu?: string };
  /**
   * Cluster mode: records this node's replica counts of a revision and returns the cluster's
   * totals, which go into the Revision's status (so nodes do not overwrite each other's counts).
   */
  clusterReplicas?: (namespace: string, name: string, actual: number, desired: number) => {
    actual: number;
    desired: number;
  };
}
