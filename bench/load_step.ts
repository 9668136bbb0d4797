/**
 * The time from a load step to the desired instances serving: a revision idling at one instance
 * suddenly gets many concurrent slow requests; how long until as many instances as the autoscaler
 * wants are ready (Knative's panic mode is what makes this fast).
 */
import { FIXTURES, type Platform, serviceDoc } from "../test/harness.ts";

export interface LoadStep {
  clients: number;
  /** Instances ready when the step ended (the autoscaler's answer to it). */
  instances: number;
  /** From the first request of the step until that many instances were ready, ms. */
  reachedMs: number;
  /** From the first request until the autoscaler first asked for more than one instance, ms. */
  decidedMs: number;
}

const REVISIONS = "/apis/serving.knative.dev/v1/namespaces/default/revisions";

interface RevisionStatus {
  status?: { actualReplicas?: number; desiredReplicas?: number };
}

export async function measureLoadStep(platform: Platform, clients = 16, seconds = 8): Promise<LoadStep> {
  const image = await platform.uploadBundle(`${FIXTURES}/slow`);
  await platform.putService(serviceDoc("step", image, {
    annotations: {
      "autoscaling.knative.dev/target": "2",
      "autoscaling.knative.dev/min-scale": "1",
      "autoscaling.knative.dev/window": "6s",
    },
  }));
  await platform.settled("step");
  await (await platform.call("step", "/?ms=1")).text();
  const samples: { at: number; actual: number; desired: number }[] = [];
  const started = performance.now();
  const until = started + seconds * 1000;
  const load = Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < until) await (await platform.call("step", "/?ms=200")).text();
  }));
  while (performance.now() < until) {
    const rev = await platform.adminJson<RevisionStatus>(`${REVISIONS}/step-00001`);
    samples.push({
      at: performance.now() - started,
      actual: rev.status?.actualReplicas ?? 0,
      desired: rev.status?.desiredReplicas ?? 0,
    });
    await new Promise((r) => setTimeout(r, 50));
  }
  await load;
  const instances = Math.max(...samples.map((s) => s.actual));
  const reached = samples.find((s) => s.actual >= instances);
  const decided = samples.find((s) => s.desired > 1);
  return { clients, instances, reachedMs: reached?.at ?? NaN, decidedMs: decided?.at ?? NaN };
}

export function renderLoadStep(s: LoadStep): string {
  return [
    "",
    "| Scaling | Denative |",
    "| --- | ---: |",
    `| Load step 0 → ${s.clients} concurrent 200 ms requests (target 2 per instance): first decision to grow, ms | ${
      s.decidedMs.toFixed(0)
    } |`,
    `| … until the ${s.instances} instances it chose are all serving, ms | ${s.reachedMs.toFixed(0)} |`,
  ].join("\n");
}
