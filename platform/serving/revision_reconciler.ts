/**
 * Revision -> a pool of instances running its code. The first reconcile loads the code once to
 * decide Ready or Failed (with the error's text); later ones only report replica counts.
 */
import { getCondition, setCondition } from "../resources/meta.ts";
import type { Revision } from "../resources/serving_kinds.ts";
import type { RevisionPool } from "../supervisor/revision_pool.ts";
import type { ServingContext } from "./context.ts";
import { RevisionNotRunnable, runtimeSpecFor } from "./revision_runtime.ts";

/** A Revision condition: its instances run in pool hosts of their own after one of them was killed. */
export const QUARANTINED = "Quarantined";

export async function reconcileRevision(ctx: ServingContext, namespace: string, name: string) {
  const rev = ctx.store.get<Revision>("Revision", namespace, name);
  if (!rev) {
    // A deleted revision's requests in flight finish first (they cannot outlive its timeout). The
    // pool leaves the supervisor at once; its drain runs on without holding up other reconciles.
    const pool = ctx.supervisor.pool(namespace, name);
    const graceMs = (pool?.spec.timeoutSeconds ?? 0) * 1000;
    ctx.supervisor.removePool(namespace, name, graceMs).catch((err) =>
      ctx.log.warn(`revision "${name}" did not stop cleanly: ${(err as Error).message}`)
    );
    return;
  }
  const ready = getCondition(rev, "Ready");
  if (ready && ready.status !== "Unknown") {
    reportReplicas(ctx, rev, ctx.supervisor.pool(namespace, name));
    return;
  }
  setReady(ctx, rev, "Unknown", "Deploying", "loading the function's code");
  let pool: RevisionPool;
  try {
    pool = ctx.supervisor.ensurePool(await runtimeSpecFor(ctx, rev));
  } catch (err) {
    if (!(err instanceof RevisionNotRunnable)) throw err;
    setReady(ctx, rev, "False", err.reason, err.message);
    return;
  }
  try {
    await pool.start();
  } catch (err) {
    await ctx.supervisor.removePool(namespace, name);
    ctx.log.warn(`revision "${name}" failed to load: ${(err as Error).message}`);
    setReady(ctx, rev, "False", "LoadFailed", (err as Error).message);
    return;
  }
  setReady(ctx, rev, "True");
}

/** Finds the pool of a ready revision, making it (without starting instances) after a restart. */
export async function poolForRevision(
  ctx: ServingContext,
  namespace: string,
  name: string,
): Promise<RevisionPool | undefined> {
  const existing = ctx.supervisor.pool(namespace, name);
  if (existing) return existing;
  const rev = ctx.store.get<Revision>("Revision", namespace, name);
  if (!rev || getCondition(rev, "Ready")?.status !== "True") return undefined;
  try {
    return ctx.supervisor.ensurePool(await runtimeSpecFor(ctx, rev));
  } catch (err) {
    ctx.log.warn(`revision "${name}" cannot run: ${(err as Error).message}`);
    return undefined;
  }
}

function setReady(
  ctx: ServingContext,
  rev: Revision,
  status: "True" | "False" | "Unknown",
  reason?: string,
  message?: string,
) {
  const { namespace, name } = rev.metadata;
  const current = ctx.store.get<Revision>("Revision", namespace, name) ?? rev;
  const now = ctx.now();
  let conditions = current.status?.conditions;
  conditions = setCondition(conditions, { type: "ContainerHealthy", status, reason, message }, now);
  conditions = setCondition(conditions, { type: "ResourcesAvailable", status, reason, message }, now);
  conditions = setCondition(conditions, { type: "Ready", status, reason, message }, now);
  const replicas = replicaCounts(ctx, rev, ctx.supervisor.pool(namespace, name));
  ctx.store.updateStatus<Revision>("Revision", namespace, name, {
    ...current.status,
    observedGeneration: current.metadata.generation,
    conditions,
    actualReplicas: replicas.actual,
    desiredReplicas: replicas.desired,
  });
}

/** This node's counts, or in cluster mode the totals over the cluster's nodes. */
function replicaCounts(ctx: ServingContext, rev: Revision, pool: RevisionPool | undefined) {
  const actual = pool?.readyCount ?? 0;
  const desired = pool?.desired ?? 0;
  const { namespace, name } = rev.metadata;
  return ctx.clusterReplicas?.(namespace, name, actual, desired) ?? { actual, desired };
}

function reportReplicas(ctx: ServingContext, rev: Revision, pool: RevisionPool | undefined) {
  const { actual, desired } = replicaCounts(ctx, rev, pool);
  const quarantine = pool?.quarantine;
  const quarantined = getCondition(rev, QUARANTINED)?.message;
  if (
    rev.status?.actualReplicas === actual && rev.status?.desiredReplicas === desired &&
    quarantined === quarantine
  ) return;
  const now = ctx.now();
  let conditions = rev.status?.conditions;
  if (quarantine) {
    // Not a failure (Ready stays True): it says why this revision no longer shares a host.
    conditions = setCondition(conditions, {
      type: QUARANTINED,
      status: "True",
      reason: "HostKilled",
      message: quarantine,
    }, now);
  } else {
    // Quarantine lives with the node: after a restart the revision shares hosts again.
    conditions = conditions?.filter((c) => c.type !== QUARANTINED);
  }
  conditions = setCondition(conditions, {
    type: "Active",
    status: actual > 0 ? "True" : "False",
    reason: actual > 0 ? undefined : "NoTraffic",
    message: actual > 0 ? undefined : "The target is not receiving traffic.",
  }, now);
  ctx.store.updateStatus<Revision>("Revision", rev.metadata.namespace, rev.metadata.name, {
    ...rev.status,
    conditions,
    actualReplicas: actual,
    desiredReplicas: desired,
  });
}
