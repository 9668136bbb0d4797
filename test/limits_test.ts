/**
 * Per-Service limits: `resources.limits.memory` is each isolate's heap limit, `resources.limits.cpu`
 * the CPU time a request may use per second; a function over them costs only itself.
 */
import assert from "node:assert/strict";
import { eventually, EXAMPLES, FIXTURES, Platform, runDn, serviceDoc } from "./harness.ts";

function withLimits(name: string, image: string, limits: Record<string, string>, spec = {}) {
  const doc = serviceDoc(name, image, { spec });
  (doc.spec.template.spec.containers[0] as Record<string, unknown>).resources = { limits };
  return doc;
}

Deno.test("limits are validated naming the field", async () => {
  const platform = await Platform.start();
  try {
    const image = await platform.uploadBundle(`${EXAMPLES}/hello`);
    for (
      const [limits, field] of [
        [{ memory: "1Mi" }, "spec.template.spec.containers[0].resources.limits.memory"],
        [{ cpu: "lots" }, "spec.template.spec.containers[0].resources.limits.cpu"],
      ] as const
    ) {
      const res = await platform.admin("/apis/serving.knative.dev/v1/namespaces/default/services/bad", {
        method: "PUT",
        body: JSON.stringify(withLimits("bad", image, limits)),
        headers: { "content-type": "application/json" },
      });
      const text = await res.text();
      assert.equal(res.status, 422, text);
      assert.ok(text.includes(field), text);
    }
  } finally {
    await platform.stop();
  }
});

Deno.test("a heap bomb with limits.memory 64Mi is cut near 64 MiB while a neighbour answers every request", async () => {
  const platform = await Platform.start();
  try {
    const bomb = await platform.uploadBundle(`${FIXTURES}/heap_bomb_logged`);
    await platform.putService(withLimits("bomb", bomb, { memory: "64Mi" }));
    await platform.putService(serviceDoc("neighbour", await platform.uploadBundle(`${EXAMPLES}/hello`)));
    await platform.settled("bomb");
    await platform.settled("neighbour");
    let stop = false;
    const statuses: number[] = [];
    const neighbour = (async () => {
      while (!stop) {
        const res = await platform.call("neighbour", "/");
        await res.body?.cancel();
        statuses.push(res.status);
      }
    })();
    const res = await platform.call("bomb", "/grow");
    await res.body?.cancel();
    assert.ok(res.status >= 500, `the bomb answered ${res.status}`);
    // Its instance is replaced: the Service answers again.
    await eventually("the bomb's instance to be replaced", async () => {
      const again = await platform.call("bomb", "/");
      return again.status === 200 && (await again.text()) === "alive" ? true : undefined;
    }, 30_000);
    stop = true;
    await neighbour;
    assert.ok(statuses.length > 0);
    assert.deepEqual(statuses.filter((s) => s !== 200), []);
    const heaps = [...platform.logs.matchAll(/heap-bomb heapUsed=(\d+)MiB/g)].map((m) => Number(m[1]));
    const peak = Math.max(...heaps);
    assert.ok(peak >= 24 && peak <= 72, `the bomb's heap peaked at ${peak} MiB`);
    console.log(`heap bomb peak: ${peak} MiB; neighbour answered ${statuses.length} requests, all 200`);
  } finally {
    await platform.stop();
  }
});

Deno.test("a CPU burner with limits.cpu gets 503 and its instance is recycled", async () => {
  const platform = await Platform.start();
  try {
    const image = await platform.uploadBundle(`${FIXTURES}/cpu_burn`);
    await platform.putService(withLimits("burner", image, { cpu: "100m" }));
    await platform.settled("burner");
    const described = await runDn(platform, ["service", "describe", "burner"]);
    assert.match(described.stdout, /Limits:?\s+cpu 100m/);
    // Within its budget: a short burn is fine.
    let res = await platform.call("burner", "/?ms=20");
    assert.equal(res.status, 200, await res.text());
    res = await platform.call("burner", "/?ms=30000");
    const body = await res.text();
    assert.equal(res.status, 503, body);
    assert.match(body, /CPU limit/);
    await eventually("the burner's instance to be recycled", async () => {
      const again = await platform.call("burner", "/?ms=1");
      return again.status === 200 ? true : undefined;
    }, 30_000);
    assert.match(platform.logs, /exceeded its CPU limit/);
  } finally {
    await platform.stop();
  }
});

Deno.test("responseStartTimeoutSeconds, idleTimeoutSeconds and timeoutSeconds as Knative defines them", async () => {
  const platform = await Platform.start();
  try {
    const image = await platform.uploadBundle(`${FIXTURES}/trickle`);
    await platform.putService(
      serviceDoc("trickle", image, {
        spec: { timeoutSeconds: 6, responseStartTimeoutSeconds: 1, idleTimeoutSeconds: 2 },
      }),
    );
    await platform.settled("trickle");
    // The response must start within responseStartTimeoutSeconds.
    let res = await platform.call("trickle", "/?wait=3000&chunks=1");
    assert.equal(res.status, 504);
    assert.match(await res.text(), /responseStartTimeoutSeconds/);
    // A body that goes quiet for idleTimeoutSeconds is cut.
    res = await platform.call("trickle", "/?chunks=3&gap=4000");
    assert.equal(res.status, 200);
    await assert.rejects(res.text());
    // A body that keeps trickling is cut at timeoutSeconds, counted from the request.
    res = await platform.call("trickle", "/?chunks=100&gap=500");
    assert.equal(res.status, 200);
    await assert.rejects(res.text());
    // Within all three: whole.
    res = await platform.call("trickle", "/?wait=200&chunks=3&gap=500");
    assert.equal(await res.text(), "chunk 0\nchunk 1\nchunk 2\n");
  } finally {
    await platform.stop();
  }
});
