/**
 * A rollout under steady load loses nothing: while a few hundred requests a second arrive, v2 is
 * deployed beside v1 with no traffic, traffic moves 0 -> 25 -> 50 -> 75 -> 100 percent, and v1's
 * revision is deleted as soon as the route has left it, while its slow (500 ms) requests are still
 * in flight: they must drain. Every request must succeed; the rate and counts are printed, not asserted.
 */
import assert from "node:assert/strict";
import { Platform, tempDir } from "./harness.ts";

const REVISIONS = "/apis/serving.knative.dev/v1/namespaces/default/revisions";
/** Concurrent callers and the rate each keeps to: 64 x 6.25/s = 400 requests/s at most. */
const CALLERS = 64;
const PER_CALLER_PER_SECOND = 6.25;

async function bundle(platform: Platform, answer: string, delayMs: number): Promise<string> {
  const dir = await tempDir();
  await Deno.writeTextFile(
    `${dir}/main.ts`,
    `export default { fetch: async () => { await new Promise((r) => setTimeout(r, ${delayMs})); ` +
      `return new Response(${JSON.stringify(answer)}); } };`,
  );
  return await platform.uploadBundle(dir);
}

function service(image: string, traffic?: unknown[]) {
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: { name: "roll" },
    spec: { template: { spec: { containers: [{ image }] } }, ...(traffic ? { traffic } : {}) },
  };
}

Deno.test("a rollout under steady load (deploy, four traffic steps, delete v1) fails no request", async () => {
  const platform = await Platform.start();
  try {
    const v1 = await bundle(platform, "v1", 500);
    const v2 = await bundle(platform, "v2", 5);
    await platform.putService(service(v1));
    await platform.settled("roll");

    const counts = { ok: 0, failed: 0, v1: 0, v2: 0 };
    const failures: string[] = [];
    let running = true;
    const url = `http://127.0.0.1:${platform.port}/function/roll/`;
    const caller = async () => {
      const gapMs = 1000 / PER_CALLER_PER_SECOND;
      while (running) {
        const started = performance.now();
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(20_000) });
          const body = await res.text();
          if (res.status === 200 && (body === "v1" || body === "v2")) {
            counts.ok++;
            counts[body]++;
          } else {
            counts.failed++;
            if (failures.length < 10) failures.push(`${res.status} ${body.slice(0, 200)}`);
          }
        } catch (err) {
          counts.failed++;
          if (failures.length < 10) failures.push(String(err));
        }
        const rest = gapMs - (performance.now() - started);
        if (rest > 0) await new Promise((r) => setTimeout(r, rest));
      }
    };
    const began = performance.now();
    const load = Promise.all(Array.from({ length: CALLERS }, caller));
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const step = async (what: string, doc: unknown) => {
      await pause(1_000);
      await platform.putService(doc);
      const svc = await platform.settled("roll");
      const ready = svc.status?.conditions?.find((c) => c.type === "Ready");
      assert.equal(ready?.status, "True", `${what}: ${JSON.stringify(svc.status)}`);
    };

    await step(
      "deploy v2 with no traffic",
      service(v2, [
        { revisionName: "roll-00001", percent: 100 },
        { latestRevision: true, percent: 0 },
      ]),
    );
    for (const percent of [25, 50, 75]) {
      await step(
        `${percent}% to v2`,
        service(v2, [
          { revisionName: "roll-00001", percent: 100 - percent },
          { revisionName: "roll-00002", percent },
        ]),
      );
    }
    await step("100% to v2", service(v2, [{ latestRevision: true, percent: 100 }]));
    // No pause: v1's last requests are still running when it is deleted.
    const deleted = await platform.admin(`${REVISIONS}/roll-00001`, { method: "DELETE" });
    assert.ok(deleted.ok, `deleting v1: ${deleted.status} ${await deleted.text()}`);
    await pause(2_000);
    running = false;
    await load;
    const seconds = (performance.now() - began) / 1000;

    console.log(
      `rollout: ${counts.ok + counts.failed} requests in ${seconds.toFixed(1)} s ` +
        `(${((counts.ok + counts.failed) / seconds).toFixed(0)}/s), ${counts.failed} failed; ` +
        `v1 answered ${counts.v1}, v2 ${counts.v2}`,
    );
    assert.deepEqual(failures, []);
    assert.equal(counts.failed, 0);
    assert.ok(counts.v1 > 0 && counts.v2 > 0, "both versions served during the rollout");
    const gone = await platform.admin(`${REVISIONS}/roll-00001`);
    await gone.body?.cancel();
    assert.equal(gone.status, 404);
  } finally {
    await platform.stop();
  }
});
