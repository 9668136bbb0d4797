/**
 * Serving end to end: the real platform as a subprocess, real pool hosts and isolates.
 * One platform is shared by the steps; each step deploys what it needs.
 */
import assert from "node:assert/strict";
import { eventually, EXAMPLES, FIXTURES, Platform, serviceDoc, tempDir } from "./harness.ts";

const SERVICES = "/apis/serving.knative.dev/v1/namespaces/default/services";
const REVISIONS = "/apis/serving.knative.dev/v1/namespaces/default/revisions";

async function text(res: Response | Promise<Response>) {
  return await (await res).text();
}

Deno.test("serving: deploy, route, split, fail, limit and restart", async (t) => {
  const platform = await Platform.start({
    functions: { hello: `${EXAMPLES}/hello`, echo: `${EXAMPLES}/echo` },
  });
  try {
    await t.step(
      "a function directory is deployed as a Service and answers by host and by path",
      async () => {
        assert.match(await text(platform.call("hello")), /Hello World! \(hello-00001\)/);
        const byPath = await fetch(`http://127.0.0.1:${platform.port}/function/hello/some/path?name=Path`);
        assert.match(await byPath.text(), /Hello Path!/);
        const echoed = await (await fetch(`http://127.0.0.1:${platform.port}/function/echo.default/a/b?x=1`))
          .json();
        assert.equal(echoed.path, "/a/b");
        assert.equal(echoed.query, "?x=1");
        const svc = await platform.service("hello");
        assert.equal(svc.status?.url, `http://hello.default.localhost:${platform.port}`);
        assert.equal(svc.status?.latestReadyRevisionName, "hello-00001");
      },
    );

    await t.step("an unknown service is a 404", async () => {
      assert.equal((await platform.call("nosuch")).status, 404);
      const res = await fetch(`http://127.0.0.1:${platform.port}/function/nosuch/`);
      await res.body?.cancel();
      assert.equal(res.status, 404);
    });

    let v2Image = "";
    await t.step("a redeploy with new code makes revision -00002 and traffic follows it", async () => {
      const dir = await tempDir();
      await Deno.writeTextFile(`${dir}/main.ts`, `export default { fetch: () => new Response("v2") };`);
      v2Image = await platform.uploadBundle(dir);
      await platform.putService(serviceDoc("hello", v2Image));
      const svc = await platform.settled("hello");
      assert.equal(svc.status?.latestCreatedRevisionName, "hello-00002");
      assert.equal(svc.status?.latestReadyRevisionName, "hello-00002");
      assert.equal(await text(platform.call("hello")), "v2");
    });

    await t.step("an 80/20 split stays within one request of the percents over any 100", async () => {
      const svc = await platform.service("hello");
      await platform.putService({
        ...svc,
        spec: {
          ...svc.spec,
          traffic: [
            { revisionName: "hello-00001", percent: 80 },
            { revisionName: "hello-00002", percent: 20 },
          ],
        },
      });
      await platform.settled("hello");
      const answers: string[] = [];
      for (let i = 0; i < 200; i++) answers.push(await text(platform.call("hello")));
      for (const start of [0, 37, 100]) {
        const window = answers.slice(start, start + 100);
        const v1 = window.filter((a) => a.includes("hello-00001")).length;
        assert.ok(Math.abs(v1 - 80) <= 1, `window at ${start}: ${v1} of 100 went to hello-00001`);
      }
    });

    await t.step("a traffic-only change makes no revision, and a 0% tag answers at its tag URL", async () => {
      const before = (await platform.adminJson<{ items: unknown[] }>(REVISIONS)).items.length;
      const svc = await platform.service("hello");
      await platform.putService({
        ...svc,
        spec: {
          ...svc.spec,
          traffic: [
            { revisionName: "hello-00001", percent: 0, tag: "old" },
            { latestRevision: true, percent: 100 },
          ],
        },
      });
      const settled = await platform.settled("hello");
      const after = (await platform.adminJson<{ items: unknown[] }>(REVISIONS)).items.length;
      assert.equal(after, before);
      const tagged = settled.status?.traffic?.find((t) => t.tag === "old");
      assert.equal(tagged?.url, `http://old-hello.default.localhost:${platform.port}`);
      assert.match(await text(platform.call("hello", "/", { tag: "old" })), /hello-00001/);
      for (let i = 0; i < 5; i++) assert.equal(await text(platform.call("hello")), "v2");
    });

    await t.step(
      "broken code gives a Failed revision with the error text; traffic stays on the last good one",
      async () => {
        for (
          const [fixture, expected] of [
            ["broken_syntax", /Expected|Unexpected|SyntaxError/i],
            ["throws_at_import", /missing configuration DATABASE_URL/],
            ["no_default_export", /default-export/],
          ] as const
        ) {
          const image = await platform.uploadBundle(`${FIXTURES}/${fixture}`);
          await platform.putService(serviceDoc("hello", image));
          const svc = await platform.settled("hello");
          const ready = svc.status?.conditions?.find((c) => c.type === "Ready");
          assert.equal(ready?.status, "False", fixture);
          assert.equal(ready?.reason, "RevisionFailed");
          assert.match(ready?.message ?? "", expected);
          const failed = await platform.adminJson<
            { status: { conditions: { type: string; message?: string }[] } }
          >(
            `${REVISIONS}/${svc.status?.latestCreatedRevisionName}`,
          );
          assert.match(failed.status.conditions.find((c) => c.type === "Ready")?.message ?? "", expected);
          assert.equal(svc.status?.latestReadyRevisionName, "hello-00002");
          assert.equal(await text(platform.call("hello")), "v2");
        }
      },
    );

    await t.step("containerConcurrency 1 serialises requests on an instance", async () => {
      const image = await platform.uploadBundle(`${FIXTURES}/slow`);
      await platform.putService(serviceDoc("slow", image, { spec: { containerConcurrency: 1 } }));
      await platform.settled("slow");
      const results = await Promise.all(
        Array.from({ length: 4 }, () => platform.call("slow", "/?ms=150").then((r) => r.json())),
      );
      for (const r of results) assert.equal(r.maxInFlight, 1);
    });

    await t.step("a request past timeoutSeconds gets 504", async () => {
      const image = await platform.uploadBundle(`${FIXTURES}/slow`);
      await platform.putService(serviceDoc("sleepy", image, { spec: { timeoutSeconds: 1 } }));
      await platform.settled("sleepy");
      const started = Date.now();
      const res = await platform.call("sleepy", "/?ms=3000");
      await res.body?.cancel();
      assert.equal(res.status, 504);
      assert.ok(Date.now() - started < 2900, "answered at the timeout, not when the function finished");
    });

    await t.step("a caller that goes away aborts the function's request.signal", async () => {
      const image = await platform.uploadBundle(`${FIXTURES}/abort_watcher`);
      await platform.putService(
        serviceDoc("watcher", image, {
          annotations: { "autoscaling.knative.dev/min-scale": "1", "autoscaling.knative.dev/max-scale": "1" },
        }),
      );
      await platform.settled("watcher");
      const caller = new AbortController();
      const pending = platform.call("watcher", "/wait", { signal: caller.signal }).catch((e) => e);
      await new Promise((r) => setTimeout(r, 300));
      caller.abort();
      await pending;
      const seen = await eventually("the function saw the abort", async () => {
        const body = await (await platform.call("watcher", "/seen")).json();
        return body.seen.length > 0 ? body.seen : undefined;
      }, 5_000);
      assert.deepEqual(seen, ["AbortError"]);
    });

    await t.step("a function that throws gives 500 without a stack trace", async () => {
      const image = await platform.uploadBundle(`${FIXTURES}/throws`);
      await platform.putService(serviceDoc("throws", image));
      await platform.settled("throws");
      const res = await platform.call("throws");
      const body = await res.text();
      assert.equal(res.status, 500);
      assert.doesNotMatch(body, /secret-internal-detail|at .*main\.ts/);
      assert.equal(await text(platform.call("hello")), "v2");
    });

    await t.step("a 50 MB body streams through echo unchanged", async () => {
      const size = 50 * 1024 * 1024;
      const chunk = new Uint8Array(1024 * 1024).map((_, i) => i % 251);
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(c) {
          if (sent >= size) return c.close();
          c.enqueue(chunk);
          sent += chunk.byteLength;
        },
      });
      const res = await platform.call("echo", "/upload", { method: "POST", body });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("x-echo-method"), "POST");
      let received = 0;
      let mismatch = -1;
      for await (const part of res.body!) {
        for (let i = 0; i < part.byteLength && mismatch < 0; i += 4093) {
          if (part[i] !== ((received + i) % (1024 * 1024)) % 251) mismatch = received + i;
        }
        received += part.byteLength;
      }
      assert.equal(received, size);
      assert.equal(mismatch, -1);
    });

    await t.step(
      "an invalid document is refused with 422 naming the field, and nothing is stored",
      async () => {
        const cases: [unknown, string][] = [
          [
            serviceDoc("bad", v2Image, { spec: { containerConcurrency: 5000 } }),
            "spec.template.spec.containerConcurrency",
          ],
          [serviceDoc("bad", v2Image, { spec: { timeoutSeconds: 0 } }), "spec.template.spec.timeoutSeconds"],
          [
            serviceDoc("bad", v2Image, {
              traffic: [{ latestRevision: true, percent: 60 }, { revisionName: "hello-00001", percent: 30 }],
            }),
            "spec.traffic",
          ],
          [
            serviceDoc("bad", v2Image, {
              traffic: [
                { latestRevision: true, percent: 50, tag: "x" },
                { revisionName: "hello-00001", percent: 50, tag: "x" },
              ],
            }),
            "spec.traffic[1].tag",
          ],
          [{
            apiVersion: "serving.knative.dev/v1",
            kind: "Service",
            metadata: { name: "bad" },
            spec: { template: { spec: {} } },
          }, "spec.template.spec.containers"],
          [{ ...serviceDoc("Bad_Name", v2Image) }, "metadata.name"],
        ];
        for (const [doc, field] of cases) {
          const name = (doc as { metadata: { name: string } }).metadata.name;
          const res = await platform.admin(`${SERVICES}/${name}`, {
            method: "PUT",
            body: JSON.stringify(doc),
            headers: { "content-type": "application/json" },
          });
          const body = await res.json();
          assert.equal(res.status, 422, JSON.stringify(body));
          assert.ok(
            body.details.causes.some((c: { field: string }) => c.field === field),
            `${field} not named in ${JSON.stringify(body.details.causes)}`,
          );
          const get = await platform.admin(`${SERVICES}/${name}`);
          await get.body?.cancel();
          assert.equal(get.status, 404);
        }
        const yaml = await platform.admin(`${SERVICES}/bad`, {
          method: "PUT",
          body:
            "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: bad}\nspec:\n  template:\n    spec:\n      containerConcurrency: -1\n      containers: [{image: x}]\n",
          headers: { "content-type": "application/yaml" },
        });
        assert.equal(yaml.status, 422);
        assert.match(JSON.stringify(await yaml.json()), /containerConcurrency/);
      },
    );

    await t.step("no token or a wrong token gets 401", async () => {
      for (const auth of [undefined, "Bearer wrong", "Basic abc"]) {
        const res = await fetch(`http://127.0.0.1:${platform.adminPort}${SERVICES}`, {
          headers: auth ? { authorization: auth } : {},
        });
        await res.body?.cancel();
        assert.equal(res.status, 401);
      }
    });

    await t.step("after a restart, services answer without redeploying", async () => {
      const restarted = await platform.restart();
      try {
        assert.equal(await text(restarted.call("hello")), "v2");
        assert.match(await text(restarted.call("slow", "/?ms=1")), /maxInFlight/);
        const svc = await restarted.service("hello");
        assert.equal(svc.status?.latestReadyRevisionName, "hello-00002");
      } finally {
        await restarted.stop();
      }
    });
  } finally {
    await platform.stop();
  }
});
