/**
 * "New revision to first response": what exists before the autoscaler. Each sample uploads new
 * code (POST /bundles), PUTs the Service, and polls its URL until the new code answers. That spans
 * reconcile, a new pool host process, a new isolate loading the code, and the route switching over.
 * The previous revision is deleted after each sample so pool hosts do not pile up.
 */
import { hostFetch, type Platform, serviceDoc } from "../test/harness.ts";
import type { HelloVariant } from "./hello_variant.ts";

const REVISIONS = "/apis/serving.knative.dev/v1/namespaces/default/revisions";

export interface RevisionColdStart {
  /** POST /bundles. */
  uploadMs: number;
  /** PUT answered to the new code's first response. */
  putToFirstMs: number;
  /** Upload start to the new code's first response. */
  totalMs: number;
}

export const COLD_SERVICE = "coldstart";

export async function revisionColdStart(
  platform: Platform,
  variant: HelloVariant,
  pollIntervalMs = 2,
): Promise<RevisionColdStart> {
  const previous = (await platform.service(COLD_SERVICE).catch(() => undefined))?.status
    ?.latestReadyRevisionName;
  const t0 = performance.now();
  const image = await platform.uploadBundle(variant.dir);
  const t1 = performance.now();
  await platform.putService(serviceDoc(COLD_SERVICE, image));
  const t2 = performance.now();
  const host = `${COLD_SERVICE}.default.localhost:${platform.port}`;
  const until = Date.now() + 60_000;
  while (true) {
    const res = await hostFetch(platform.port, host, "/").catch(() => undefined);
    const body = res ? await res.text() : "";
    if (res?.status === 200 && body.startsWith(variant.greeting)) break;
    if (Date.now() > until) throw new Error(`the new revision did not answer within 60 s (last: ${body})`);
    await new Promise((r) => setTimeout(r, pollIntervalMs));
  }
  const t3 = performance.now();
  if (previous) {
    const res = await platform.admin(`${REVISIONS}/${previous}`, { method: "DELETE" });
    await res.body?.cancel();
  }
  return { uploadMs: t1 - t0, putToFirstMs: t3 - t2, totalMs: t3 - t0 };
}
