/**
 * Configuration -> one Revision per template generation (a traffic-only change never reaches here),
 * and latestCreated / latestReady revision names.
 */
import { type Configuration, Labels, type Revision } from "../resources/serving_kinds.ts";
import { configurationStatus, makeRevision, revisionNameFor } from "./builders.ts";
import type { ServingContext } from "./context.ts";

export function reconcileConfiguration(ctx: ServingContext, namespace: string, name: string) {
  const config = ctx.store.get<Configuration>("Configuration", namespace, name);
  if (!config) return;
  const revisionName = revisionNameFor(config);
  let latest = ctx.store.get<Revision>("Revision", namespace, revisionName);
  if (!latest) latest = ctx.store.put(makeRevision(config));
  const revisions = ctx.store.list<Revision>("Revision", namespace)
    .filter((r) => r.metadata.labels?.[Labels.configuration] === name);
  ctx.store.updateStatus<Configuration>(
    "Configuration",
    namespace,
    name,
    configurationStatus(config, latest, revisions, ctx.now()),
  );
}
