import { deepStrictEqual as assertEquals, equal, ok as assert } from "node:assert/strict";
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import { encodeHttpBatch, encodeHttpBinary, encodeHttpStructured } from "../cloudevents/http_encode.ts";
import type { AppendRequest } from "./commit_batcher.ts";
import { BrokerMetrics } from "./broker_metrics.ts";
import { handleIngress, type IngressDeps } from "./ingress.ts";

const EVENT: CloudEvent = { specversion: "1.0", id: "1", source: "/s", type: "t", extensions: {} };

function deps(fail = false) {
  const appended: AppendRequest[] = [];
  const metrics = new BrokerMetrics();
  const d: IngressDeps = {
    serves: (ns, name) => ns === "default" && name === "default",
    append: (request) => {
      if (fail) return Promise.reject(new Error("disk full"));
      appended.push(request);
      return Promise.resolve({ stored: request.events.length, deliveries: request.events.length });
    },
    metrics,
  };
  return { d, appended, metrics };
}

const post = (m: { headers: Record<string, string>; body: Uint8Array<ArrayBuffer> }) =>
  new Request("http://127.0.0.1:8080/broker/default/default", { method: "POST", ...m });

Deno.test("an event in binary, structured or batched mode is accepted with 202 and stored", async () => {
  const { d, appended } = deps();
  for (
    const message of [encodeHttpBinary(EVENT), encodeHttpStructured(EVENT), encodeHttpBatch([EVENT, EVENT])]
  ) {
    const res = await handleIngress(post(message), "default", "default", d);
    equal(res.status, 202);
    equal(await res.text(), "");
  }
  assertEquals(appended.map((a) => a.events.length), [1, 1, 2]);
  equal(appended[0].events[0].extensions.knativebrokerttl, 255);
});

Deno.test("an invalid event is refused with 400 naming the attribute, and nothing is stored", async () => {
  const { d, appended } = deps();
  const headers = { "ce-specversion": "1.0", "ce-id": "1", "ce-type": "t" };
  const res = await handleIngress(post({ headers, body: new Uint8Array() }), "default", "default", d);
  equal(res.status, 400);
  assert((await res.text()).includes("source"));
  const batch = encodeHttpBatch([EVENT]);
  const bad = new TextEncoder().encode(new TextDecoder().decode(batch.body).replace('"id":"1"', '"id":""'));
  const res2 = await handleIngress(post({ headers: batch.headers, body: bad }), "default", "default", d);
  equal(res2.status, 400);
  assert((await res2.text()).includes("[0].id"));
  equal(appended.length, 0);
});

Deno.test("an unknown broker is 404, other methods 405, OPTIONS lists what is allowed", async () => {
  const { d } = deps();
  equal((await handleIngress(post(encodeHttpBinary(EVENT)), "default", "other", d)).status, 404);
  const get = await handleIngress(new Request("http://x/", { method: "GET" }), "default", "default", d);
  equal(get.status, 405);
  equal(get.headers.get("allow"), "POST, OPTIONS");
  const options = await handleIngress(new Request("http://x/", { method: "OPTIONS" }), "default", "nope", d);
  equal(options.status, 200);
  equal(options.headers.get("allow"), "POST, OPTIONS");
  equal(options.headers.get("webhook-allowed-origin"), "*");
});

Deno.test("an event whose TTL ran out is accepted and dropped, and counted", async () => {
  const { d, appended, metrics } = deps();
  const looped = { ...EVENT, extensions: { knativebrokerttl: 0 } };
  equal((await handleIngress(post(encodeHttpBinary(looped)), "default", "default", d)).status, 202);
  equal(appended.length, 0);
  equal(metrics.ttlExpired.get({ namespace: "default", broker: "default" }), 1);
});

Deno.test("when the log cannot be written the ingress answers 503", async () => {
  const { d } = deps(true);
  const res = await handleIngress(post(encodeHttpBinary(EVENT)), "default", "default", d);
  equal(res.status, 503);
  assert((await res.text()).includes("disk full"));
});
