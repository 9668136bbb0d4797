/** Service -> its Configuration and Route (same name), and a status that sums them up. */
import type { Service } from "../resources/service.ts";
import { type Configuration, Labels, type Route } from "../resources/serving_kinds.ts";
import { makeConfiguration, makeRoute, serviceStatus } from "./builders.ts";
import type { ServingContext } from "./context.ts";
import { SOURCES_DIGEST_ANNOTATION, sourcesDigest, sourcesOf } from "./template_sources.ts";

export function reconcileService(ctx: ServingContext, namespace: string, name: string) {
  const service = ctx.store.get<Service>("Service", namespace, name);
  if (!service) return deleteChildren(ctx, namespace, name);
  const desired = makeConfiguration(service);
  // The content of the Secrets and ConfigMaps it reads is part of the template: a change makes a new Revision.
  const digest = sourcesDigest(
    sourcesOf(desired.spec.template),
    (kind, n) => ctx.store.get(kind, namespace, n),
  );
  if (digest) {
    const template = desired.spec.template;
    desired.spec.template = {
      ...template,
      metadata: {
        ...template.metadata,
        annotations: { ...template.metadata?.annotations, [SOURCES_DIGEST_ANNOTATION]: digest },
      },
    };
  }
  const config = ctx.store.put(
    mergeStatusless(ctx.store.get<Configuration>("Configuration", namespace, name), desired),
  );
  const route = ctx.store.put(
    mergeStatusless(ctx.store.get<Route>("Route", namespace, name), makeRoute(service)),
  );
  ctx.store.updateStatus<Service>(
    "Service",
    namespace,
    name,
    serviceStatus(service, config, route, ctx.scheme, ctx.now()),
  );
}

/** Keeps the stored object's identity fields so an unchanged child is not rewritten. */
function mergeStatusless<T extends Configuration | Route>(old: T | undefined, next: T): T {
  if (!old) return next;
  return { ...next, metadata: { ...old.metadata, ...next.metadata } };
}

function deleteChildren(ctx: ServingContext, namespace: string, name: string) {
  ctx.store.delete("Route", namespace, name);
  ctx.store.delete("Configuration", namespace, name);
  for (const rev of ctx.store.list("Revision", namespace)) {
    if (rev.metadata.labels?.[Labels.service] === name) {
      ctx.store.delete("Revision", namespace, rev.metadata.name);
    }
  }
}
