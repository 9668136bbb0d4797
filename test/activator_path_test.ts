/**
 * The activator's place in the request path on a real platform, per Knative's target-burst-capacity:
 * /metrics says whether it is in the path, and activator_request_count counts what went through it.
 */
import assert from "node:assert/strict";
import { eventually, EXAMPLES, Platform, serviceDoc } from "./harness.ts";

const A = "autoscaling.knative.dev/";

function gauge(metrics: string, name: string, revision: string): number | undefined {
  const m = metrics.match(new RegExp(`^${name}\\{[^}]*revision="${revision}"[^}]*\\} (\\S+)$`, "m"));
  return m ? Number(m[1]) : undefined;
}

function activatorCount(metrics: string, revision: string): number {
  let n = 0;
  const re = new RegExp(`^activator_request_count\\{[^}]*revision_name="${revision}"[^}]*\\} (\\S+)$`, "gm");
  for (const m of metrics.matchAll(re)) n += Number(m[1]);
  return n;
}

Deno.test("target-burst-capacity 0 takes the activator out of the path once an instance is ready; -1 keeps it in", async () => {
  const platform = await Platform.start();
  try {
    const image = await platform.uploadBundle(`${EXAMPLES}/hello`);
    await platform.putService(serviceDoc("direct", image, {
      annotations: { [`${A}target-burst-capacity`]: "0", [`${A}min-scale`]: "1" },
    }));
    await platform.putService(serviceDoc("proxied", image, {
      annotations: { [`${A}target-burst-capacity`]: "-1", [`${A}min-scale`]: "1" },
    }));
    await platform.settled("direct");
    await platform.settled("proxied");
    const metrics = () => platform.admin("/metrics").then((r) => r.text());
    // The autoscaler decides at its tick.
    await eventually("the autoscaler's decision", async () => {
      const m = await metrics();
      return gauge(m, "denative_revision_activator_in_path", "direct-00001") === 0 &&
          gauge(m, "denative_revision_activator_in_path", "proxied-00001") === 1
        ? true
        : undefined;
    });
    const before = await metrics();
    for (let i = 0; i < 5; i++) {
      for (const svc of ["direct", "proxied"]) {
        const res = await platform.call(svc);
        assert.equal(res.status, 200);
        await res.body?.cancel();
      }
    }
    const after = await eventually("the ten requests counted", async () => {
      const m = await metrics();
      return activatorCount(m, "proxied-00001") - activatorCount(before, "proxied-00001") >= 5
        ? m
        : undefined;
    });
    assert.equal(activatorCount(after, "proxied-00001") - activatorCount(before, "proxied-00001"), 5);
    assert.equal(activatorCount(after, "direct-00001") - activatorCount(before, "direct-00001"), 0);
    assert.match(platform.logs, /direct-00001: the activator leaves the path: target-burst-capacity 0/);
  } finally {
    await platform.stop();
  }
});
