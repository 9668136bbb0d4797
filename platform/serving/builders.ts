/**
 * Pure builders of desired state, Knative-style: what a Service's Configuration, Route and
 * Revisions should look like, and the statuses that follow from their children. No I/O here.
 */
import { type Condition, isReady, type KObject, setCondition } from "../resources/meta.ts";
import {
  defaultTraffic,
  type ResolvedTrafficTarget,
  type Service,
  type ServiceStatus,
  SERVING_API_VERSION,
} from "../resources/service.ts";
import { type Configuration, Labels, type Revision, type Route } from "../resources/serving_kinds.ts";

export interface UrlScheme {
  domain: string;
  port: number;
}

export function serviceHost(name: string, namespace: string, scheme: UrlScheme, tag?: string): string {
  return `${tag ? `${tag}-` : ""}${name}.${namespace}.${scheme.domain}`;
}

export function serviceUrl(name: string, namespace: string, scheme: UrlScheme, tag?: string): string {
  const port = scheme.port === 80 ? "" : `:${scheme.port}`;
  return `http://${serviceHost(name, namespace, scheme, tag)}${port}`;
}

/**
 * A URL a function's own `fetch` can reach. Deno does not resolve `*.localhost` the way browsers and
 * curl do, so on the `localhost` domain a Service URL becomes its path-based form on loopback:
 * `http://hello.default.localhost:8080/x` -> `http://127.0.0.1:8080/function/hello.default/x`.
 */
export function functionReachableUrl(url: string, scheme: UrlScheme): string {
  if (scheme.domain !== "localhost") return url;
  const u = new URL(url);
  const labels = u.hostname.split(".");
  if (labels.length !== 3 || labels[2] !== "localhost") return url;
  const path = u.pathname === "/" ? "" : u.pathname;
  return `http://127.0.0.1:${u.port || scheme.port}/function/${labels[0]}.${labels[1]}${path}${u.search}`;
}

function ownerRef(owner: KObject) {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function makeConfiguration(service: Service): Configuration {
  const { name, namespace } = service.metadata;
  return {
    apiVersion: SERVING_API_VERSION,
    kind: "Configuration",
    metadata: {
      name,
      namespace,
      labels: { [Labels.service]: name },
      ownerReferences: [ownerRef(service)],
    },
    spec: { template: service.spec.template },
  };
}

export function makeRoute(service: Service): Route {
  const { name, namespace } = service.metadata;
  return {
    apiVersion: SERVING_API_VERSION,
    kind: "Route",
    metadata: {
      name,
      namespace,
      labels: { [Labels.service]: name },
      ownerReferences: [ownerRef(service)],
    },
    spec: {
      traffic: defaultTraffic(service.spec.traffic).map((t) =>
        t.latestRevision ? { ...t, configurationName: name } : t
      ),
    },
  };
}

/** Knative names revisions `{configuration}-{generation, 5 digits}` unless the template names one. */
export function revisionNameFor(config: Configuration): string {
  const explicit = config.spec.template.metadata?.name;
  if (explicit) return explicit;
  return `${config.metadata.name}-${String(config.metadata.generation ?? 1).padStart(5, "0")}`;
}

export function makeRevision(config: Configuration): Revision {
  const { namespace } = config.metadata;
  const template = config.spec.template;
  const service = config.metadata.labels?.[Labels.service] ?? config.metadata.name;
  return {
    apiVersion: SERVING_API_VERSION,
    kind: "Revision",
    metadata: {
      name: revisionNameFor(config),
      namespace,
      labels: {
        ...template.metadata?.labels,
        [Labels.service]: service,
        [Labels.configuration]: config.metadata.name,
        [Labels.configurationGeneration]: String(config.metadata.generation ?? 1),
      },
      annotations: { ...template.metadata?.annotations },
      ownerReferences: [ownerRef(config)],
    },
    spec: structuredClone(template.spec),
  };
}

/** The newest of a configuration's revisions, by the generation that created it. */
export function newestRevision(revisions: Revision[], filter: (r: Revision) => boolean = () => true) {
  let best: Revision | undefined;
  let bestGen = -1;
  for (const r of revisions) {
    if (!filter(r)) continue;
    const gen = Number(r.metadata.labels?.[Labels.configurationGeneration] ?? 0);
    if (gen > bestGen) {
      best = r;
      bestGen = gen;
    }
  }
  return best;
}

export function configurationStatus(
  config: Configuration,
  latestCreated: Revision | undefined,
  revisions: Revision[],
  now: Date,
): Configuration["status"] {
  const latestReady = newestRevision(revisions, isReady);
  let conditions = config.status?.conditions;
  const created = latestCreated?.status?.conditions?.find((c) => c.type === "Ready");
  let ready: Condition;
  if (!latestCreated || !created || created.status === "Unknown") {
    ready = { type: "Ready", status: "Unknown", reason: "Deploying" };
  } else if (created.status === "True") {
    ready = { type: "Ready", status: "True" };
  } else {
    ready = {
      type: "Ready",
      status: "False",
      reason: "RevisionFailed",
      message: `Revision "${latestCreated.metadata.name}" failed with message: ${
        created.message ?? created.reason
      }.`,
    };
  }
  conditions = setCondition(conditions, ready, now);
  return {
    observedGeneration: config.metadata.generation,
    conditions,
    latestCreatedRevisionName: latestCreated?.metadata.name,
    latestReadyRevisionName: latestReady?.metadata.name,
  };
}

export interface TrafficResolution {
  targets: ResolvedTrafficTarget[];
  /** Why the traffic cannot be served as written, if it cannot. */
  problem?: { status: "False" | "Unknown"; reason: string; message: string };
}

/** Resolves `latestRevision` to the latest ready revision and checks named revisions exist. */
export function resolveTraffic(
  route: Route,
  latestReady: string | undefined,
  revisionExists: (name: string) => boolean,
  scheme: UrlScheme,
  /** Whether the Configuration has given up (its latest revision failed) or is still deploying. */
  configFailed = false,
): TrafficResolution {
  const { name, namespace } = route.metadata;
  const targets: ResolvedTrafficTarget[] = [];
  for (const t of route.spec.traffic) {
    const revisionName = t.latestRevision ? latestReady : t.revisionName;
    if (!revisionName) {
      return {
        targets: [],
        problem: {
          status: configFailed ? "False" : "Unknown",
          reason: "RevisionMissing",
          message: `Configuration "${name}" does not have any ready Revision.`,
        },
      };
    }
    if (!revisionExists(revisionName)) {
      return {
        targets: [],
        problem: {
          status: "False",
          reason: "RevisionMissing",
          message: `Revision "${revisionName}" referenced in traffic not found.`,
        },
      };
    }
    const resolved: ResolvedTrafficTarget = {
      revisionName,
      latestRevision: t.latestRevision === true,
      percent: t.percent ?? 0,
    };
    if (t.latestRevision) resolved.configurationName = name;
    if (t.tag) {
      resolved.tag = t.tag;
      resolved.url = serviceUrl(name, namespace, scheme, t.tag);
    }
    targets.push(resolved);
  }
  return { targets };
}

export function serviceStatus(
  service: Service,
  config: Configuration | undefined,
  route: Route | undefined,
  scheme: UrlScheme,
  now: Date,
): ServiceStatus {
  const { name, namespace } = service.metadata;
  let conditions = service.status?.conditions;
  // A child whose status predates its latest spec says nothing yet about that spec.
  const outdated: Condition = {
    type: "Ready",
    status: "Unknown",
    reason: "Outdated",
    message: "reconciling",
  };
  const configReady = config?.status?.observedGeneration === config?.metadata.generation
    ? config?.status?.conditions?.find((c) => c.type === "Ready")
    : outdated;
  const routeReady = route?.status?.observedGeneration === route?.metadata.generation
    ? route?.status?.conditions?.find((c) => c.type === "Ready")
    : outdated;
  const configCond: Condition = {
    type: "ConfigurationsReady",
    status: configReady?.status ?? "Unknown",
    reason: configReady?.reason,
    message: configReady?.message,
  };
  const routeCond: Condition = {
    type: "RoutesReady",
    status: routeReady?.status ?? "Unknown",
    reason: routeReady?.reason,
    message: routeReady?.message,
  };
  // Ready is the worse of the two, and says why.
  const worst = [configCond, routeCond].find((c) => c.status === "False") ??
    [configCond, routeCond].find((c) => c.status === "Unknown");
  const ready: Condition = worst
    ? { type: "Ready", status: worst.status, reason: worst.reason, message: worst.message }
    : { type: "Ready", status: "True" };
  conditions = setCondition(conditions, configCond, now);
  conditions = setCondition(conditions, routeCond, now);
  conditions = setCondition(conditions, ready, now);
  const url = serviceUrl(name, namespace, scheme);
  const status: ServiceStatus = {
    observedGeneration: service.metadata.generation,
    conditions,
    url,
    address: { url },
    latestCreatedRevisionName: config?.status?.latestCreatedRevisionName,
    latestReadyRevisionName: config?.status?.latestReadyRevisionName,
  };
  if (route?.status?.traffic) status.traffic = route.status.traffic;
  return status;
}
