/**
 * Input limits on the data and admin ports, against the real platform: oversized URLs (414) and
 * headers (431), request bodies over a revision's limit (413, declared or streamed), the limit's
 * annotation validated, and a client that keeps sending wrong admin tokens throttled (429).
 */
import assert from "node:assert/strict";
import { EXAMPLES, hostFetch, Platform } from "./harness.ts";
import { REQUEST_LIMITS } from "../platform/config.ts";
import { MAX_REQUEST_BODY_ANNOTATION } from "../platform/limits/request_body_annotation.ts";

function serviceDoc(name: string, image: string, annotations: Record<string, string> = {}) {
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: { name },
    spec: { template: { metadata: { annotations }, spec: { containers: [{ image }] } } },
  };
}

function streamOf(bytes: number, chunk = 1024): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const n = Math.min(chunk, bytes - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n).fill(97));
    },
  });
}

Deno.test("input limits: 414, 431, 413 per service, and throttled admin logins", async (t) => {
  const platform = await Platform.start({
    functions: { echo: `${EXAMPLES}/echo` },
    env: { DENATIVE_MAX_REQUEST_BODY: "4Ki" },
  });
  try {
    await platform.settled("echo");
    const echo = await platform.adminJson<
      { spec: { template: { spec: { containers: { image: string }[] } } } }
    >(
      "/apis/serving.knative.dev/v1/namespaces/default/services/echo",
    );
    const image = echo.spec.template.spec.containers[0].image;

    await t.step("a URL or header fields over the limits get 414 and 431 on both ports", async () => {
      const longUrl = await platform.call("echo", `/${"a".repeat(REQUEST_LIMITS.maxUrlBytes + 1)}`);
      assert.equal(longUrl.status, 414, await longUrl.text());
      const bigHeaders = await platform.call("echo", "/", {
        headers: { "x-big": "b".repeat(REQUEST_LIMITS.maxHeaderBytes) },
      });
      assert.equal(bigHeaders.status, 431, await bigHeaders.text());
      const admin = await platform.admin("/healthz", {
        headers: { "x-big": "b".repeat(REQUEST_LIMITS.maxHeaderBytes) },
      });
      assert.equal(admin.status, 431, await admin.text());
      const fine = await platform.call("echo", "/", { headers: { "x-ok": "c".repeat(1000) } });
      assert.equal(fine.status, 200, await fine.text());
    });

    await t.step("a body over the platform's default limit gets 413, declared or streamed", async () => {
      const declared = await platform.call("echo", "/", { method: "POST", body: "x".repeat(5000) });
      assert.equal(declared.status, 413, await declared.text());
      const streamed = await platform.call("echo", "/", { method: "POST", body: streamOf(5000) });
      assert.equal(streamed.status, 413, await streamed.text());
      const within = await platform.call("echo", "/", { method: "POST", body: streamOf(4000) });
      assert.equal(within.status, 200);
      assert.equal((await within.text()).length, 4000);
    });

    await t.step("the annotation raises one service's limit and is validated", async () => {
      await platform.putService(serviceDoc("big", image, { [MAX_REQUEST_BODY_ANNOTATION]: "64Ki" }));
      await platform.settled("big");
      const ok = await platform.call("big", "/", { method: "POST", body: streamOf(60_000) });
      assert.equal(ok.status, 200);
      assert.equal((await ok.text()).length, 60_000);
      const over = await platform.call("big", "/", { method: "POST", body: "x".repeat(70_000) });
      assert.equal(over.status, 413, await over.text());
      const bad = await platform.admin("/apis/serving.knative.dev/v1/namespaces/default/services/bad", {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(serviceDoc("bad", image, { [MAX_REQUEST_BODY_ANNOTATION]: "lots" })),
      });
      assert.equal(bad.status, 422);
      assert.match((await bad.json()).message, /denative\.dev\/max-request-body.*byte size/);
    });

    await t.step(
      "a client sending wrong admin tokens is refused with 429, even with the right one",
      async () => {
        let status = 0;
        for (let i = 0; i < REQUEST_LIMITS.maxFailedLogins; i++) {
          const res = await platform.admin("/metrics", { headers: { authorization: "Bearer wrong" } });
          await res.body?.cancel();
          status = res.status;
        }
        assert.equal(status, 401);
        const throttled = await platform.admin("/metrics");
        assert.equal(throttled.status, 429, await throttled.text());
        assert.ok(Number(throttled.headers.get("retry-after")) > 0);
        // The data plane is not affected.
        const call = await hostFetch(platform.port, `echo.default.localhost:${platform.port}`, "/");
        assert.equal(call.status, 200);
        await call.body?.cancel();
      },
    );
  } finally {
    await platform.stop();
  }
});
