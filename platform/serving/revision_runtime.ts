/**
 * From a Revision resource to what its instances need to run: the bundle's directory and entry
 * module, the resolved environment and the request limits. Failures here are the user's to fix
 * and become the revision's Ready=False reason.
 */
import { REVISION_DEFAULTS } from "../config.ts";
import type { Revision } from "../resources/serving_kinds.ts";
import { Labels } from "../resources/serving_kinds.ts";
import { bundleDigestOf } from "../store/bundle_store.ts";
import type { RevisionRuntimeSpec } from "../supervisor/revision_runtime_spec.ts";
import type { ServingContext } from "./context.ts";
import { resolveEnv } from "./env.ts";
import { RevisionNotRunnable } from "./revision_not_runnable.ts";
import { resolvedEntry } from "./dependencies.ts";
import { revisionLimits } from "./revision_limits.ts";
import { allowedNetwork } from "../limits/allow_net_annotation.ts";
import { resolveVolumes } from "./volumes.ts";

export { RevisionNotRunnable };

export async function runtimeSpecFor(ctx: ServingContext, rev: Revision): Promise<RevisionRuntimeSpec> {
  const { namespace, name } = rev.metadata;
  const container = rev.spec.containers[0];
  const digest = bundleDigestOf(container?.image);
  if (!digest) {
    throw new RevisionNotRunnable(
      "ContainerImageNotSupported",
      `image "${container?.image ?? ""}" is a container image; Denative runs code bundles: ` +
        `deploy a function directory (dn deploy DIR) instead`,
    );
  }
  if (!await ctx.bundles.has(digest)) {
    throw new RevisionNotRunnable("BundleMissing", `code bundle sha256:${digest} was never uploaded`);
  }
  const entry = await ctx.bundles.entryOf(digest);
  if (!entry) {
    throw new RevisionNotRunnable("EntryMissing", "the function directory has no main.ts or main.js");
  }
  const bundleDir = ctx.bundles.dirOf(digest);
  // Dependencies are fetched here, once per bundle, never when an instance starts.
  const runEntry = await resolvedEntry(bundleDir, entry.slice(bundleDir.length + 1), {
    cacheDir: `${ctx.bundles.root}/.dependencies`,
  });
  const env = resolveEnv(container.env ?? [], (secret) => ctx.store.get("Secret", namespace, secret));
  return {
    namespace,
    service: rev.metadata.labels?.[Labels.service] ?? name,
    revision: name,
    bundleDir: ctx.bundles.dirOf(digest),
    entry: runEntry,
    env,
    containerConcurrency: rev.spec.containerConcurrency ?? REVISION_DEFAULTS.containerConcurrency,
    timeoutSeconds: rev.spec.timeoutSeconds ?? REVISION_DEFAULTS.timeoutSeconds,
    responseStartTimeoutSeconds: rev.spec.responseStartTimeoutSeconds,
    idleTimeoutSeconds: rev.spec.idleTimeoutSeconds ?? 0,
    volumes: resolveVolumes(rev.spec, (kind, name) => ctx.store.get(kind, namespace, name)),
    ...revisionLimits(container.resources?.limits, ctx.revisionLimitDefaults),
    allowNet: allowedNetwork(rev.metadata.annotations),
  };
}
