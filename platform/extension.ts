/**
 * How a feature area (eventing, sources, Kafka, autoscaling...) plugs into a platform node without
 * the node knowing its insides: it receives the node's shared parts, and may register resource
 * kinds, handlers on the data plane, and something to stop.
 */
import type { Hono } from "hono";
import type { ServeConfig } from "./config.ts";
import type { Logger } from "./log.ts";
import type { ResourceStore } from "./store/resource_store.ts";
import type { BundleStore } from "./store/bundle_store.ts";
import type { Supervisor } from "./supervisor/supervisor.ts";
import type { RouteTable } from "./router/route_table.ts";
import type { KindInfo } from "./resources/kinds.ts";
import type { UrlScheme } from "./serving/builders.ts";
import type { DataPlaneEnv } from "./router/data_plane.ts";
import type { ExternalDemand } from "./autoscaler/autoscaler_loop.ts";
import type { Tracing } from "./tracing/tracing.ts";

export interface NodeParts {
  config: ServeConfig;
  /** The resolved state directory (absolute). */
  stateDir: string;
  store: ResourceStore;
  bundles: BundleStore;
  supervisor: Supervisor;
  routes: RouteTable;
  /** Domain and the data port actually listening, for URLs in status. */
  scheme: UrlScheme;
  log: Logger;
  /** Spans for eventing (broker ingress, trigger delivery), when tracing is on (`tracing.enabled`). */
  tracing?: Tracing;
  /**
   * Sends a request through the data plane in process (no socket): a Request whose URL (or Host
   * header) is `http://{service}.{namespace}.{domain}:{port}/...` reaches that Service.
   */
  dataPlaneFetch: (request: Request) => Promise<Response>;
  /**
   * Adds demand the autoscaler combines with request-driven decisions by taking the maximum (e.g. a
   * KafkaSource's consumer lag for the Service it feeds). Polled every autoscaler tick.
   */
  addScalingDemand: (source: () => ExternalDemand[]) => void;
  /**
   * Cluster mode: resolves true on exactly one node of the cluster for each key (e.g. a PingSource
   * and its tick), false on the others. Absent on a single node, where everything runs once anyway.
   */
  claimOnce?: (key: string) => Promise<boolean>;
  /** Cluster mode: the shared database's URL and this node's name (absent on a single node). */
  cluster?: { databaseUrl: string; nodeName: string };
  /** Cluster mode: whether this node holds a singleton's lease now (see platform/cluster/leases.ts). */
  holdsLease?: (name: SingletonLease) => boolean;
}

/** The continuous work one node of a cluster does at a time. */
export const SINGLETON_LEASES = ["apiserversources"] as const;
export type SingletonLease = typeof SINGLETON_LEASES[number];

export interface ExtensionHandle {
  /** Resource kinds served by the admin API. */
  kinds?: KindInfo[];
  /** Adds routes to the data plane (broker ingress, webhooks); tried after Service host routing. */
  mount?: (app: Hono<DataPlaneEnv>) => void;
  /** Called once the node serves, to begin work (consumers, schedules, reconcile of stored objects). */
  start?: () => void | Promise<void>;
  stop?: () => void | Promise<void>;
  /** Prometheus text appended to the node's `/metrics`. */
  metrics?: () => string;
}

export interface PlatformExtension {
  name: string;
  create(parts: NodeParts): ExtensionHandle | Promise<ExtensionHandle>;
}
