/** Route -> resolved traffic in its status, and in the data plane's route table. */
import { setCondition } from "../resources/meta.ts";
import type { Configuration, Revision, Route } from "../resources/serving_kinds.ts";
import { resolveTraffic, serviceUrl } from "./builders.ts";
import type { ServingContext } from "./context.ts";

export function reconcileRoute(ctx: ServingContext, namespace: string, name: string) {
  const route = ctx.store.get<Route>("Route", namespace, name);
  if (!route) {
    ctx.routes.delete(namespace, name);
    return;
  }
  const config = ctx.store.get<Configuration>("Configuration", namespace, name);
  const resolution = resolveTraffic(
    route,
    config?.status?.latestReadyRevisionName,
    (rev) => ctx.store.get<Revision>("Revision", namespace, rev) !== undefined,
    ctx.scheme,
    config?.status?.conditions?.find((c) => c.type === "Ready")?.status === "False",
  );
  const now = ctx.now();
  const url = serviceUrl(name, namespace, ctx.scheme);
  let status: Route["status"];
  if (resolution.problem) {
    // Keep serving the last traffic that resolved, as Knative does, and say what is wrong.
    status = {
      ...route.status,
      observedGeneration: route.metadata.generation,
      url,
      address: { url },
      conditions: setCondition(route.status?.conditions, { type: "Ready", ...resolution.problem }, now),
    };
    ctx.routes.set(namespace, name, route.status?.traffic ?? []);
  } else {
    status = {
      observedGeneration: route.metadata.generation,
      url,
      address: { url },
      traffic: resolution.targets,
      conditions: setCondition(route.status?.conditions, { type: "Ready", status: "True" }, now),
    };
    ctx.routes.set(namespace, name, resolution.targets);
    retireDroppedRevisions(ctx, namespace, route.status?.traffic ?? [], resolution.targets);
  }
  ctx.store.updateStatus<Route>("Route", namespace, name, status);
}

/** Revisions the route no longer sends traffic to get their open WebSockets closed after a grace period. */
function retireDroppedRevisions(
  ctx: ServingContext,
  namespace: string,
  before: { revisionName?: string }[],
  after: { revisionName?: string }[],
) {
  const kept = new Set(after.map((t) => t.revisionName));
  for (const { revisionName } of before) {
    if (!revisionName || kept.has(revisionName)) continue;
    ctx.supervisor.pool(namespace, revisionName)?.retireSockets(ctx.supervisor.limits.webSocketCloseGraceMs);
  }
}
