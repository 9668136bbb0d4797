import { deepStrictEqual as assertEquals, equal, ok as assert, rejects } from "node:assert/strict";
import { ResourceStore } from "../store/resource_store.ts";
import type { CloudEvent } from "./cloudevents/cloudevent.ts";
import { decodeHttpRequest } from "./cloudevents/http_decode.ts";
import { encodeHttpBinary } from "./cloudevents/http_encode.ts";
import { EventSender, isLocalUrl, replyOf } from "./event_sender.ts";

const scheme = { domain: "localhost", port: 8080 };
const EVENT: CloudEvent = {
  specversion: "1.0",
  id: "e-1",
  source: "/test",
  type: "dev.test.ping",
  extensions: { knativebrokerttl: 255 },
  datacontenttype: "application/json",
  data: { hello: "wörld" },
};

function storeWith(...objects: { kind: string; apiVersion: string; name: string; status?: unknown }[]) {
  const store = new ResourceStore(":memory:");
  for (const o of objects) {
    store.put({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.name, namespace: "default" } });
    if (o.status) store.updateStatus(o.kind, "default", o.name, o.status as never);
  }
  return store;
}

function sender(
  store = storeWith(),
  local: (req: Request) => Promise<Response> = () => Promise.resolve(new Response(null, { status: 202 })),
) {
  return new EventSender({ store, scheme, dataPlaneFetch: local });
}

Deno.test("a ref to a Knative Service resolves to its host-based URL", () => {
  const store = storeWith({ kind: "Service", apiVersion: "serving.knative.dev/v1", name: "fn" });
  const s = sender(store);
  assertEquals(
    s.resolveSink({ ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "fn" } }, "default"),
    { url: "http://fn.default.localhost:8080" },
  );
});

Deno.test("a uri beside a ref is resolved relative to the ref's URL", () => {
  const store = storeWith({ kind: "Service", apiVersion: "serving.knative.dev/v1", name: "fn" });
  const ref = { apiVersion: "v1", kind: "Service", name: "fn" };
  assertEquals(sender(store).resolveSink({ ref, uri: "/my-custom-path" }, "default"), {
    url: "http://fn.default.localhost:8080/my-custom-path",
  });
  assert("error" in sender(store).resolveSink({ ref, uri: "http://elsewhere/" }, "default"));
});

Deno.test("a ref to a Broker resolves to its ingress path on the data port", () => {
  const store = storeWith({ kind: "Broker", apiVersion: "eventing.knative.dev/v1", name: "default" });
  const ref = { apiVersion: "eventing.knative.dev/v1", kind: "Broker", name: "default" };
  assertEquals(sender(store).resolveSink({ ref }, "default"), {
    url: "http://127.0.0.1:8080/broker/default/default",
  });
});

Deno.test("a ref to a missing object or one without an address is an error naming it", () => {
  const store = storeWith({ kind: "KafkaSink", apiVersion: "eventing.knative.dev/v1alpha1", name: "ks" });
  const missing = sender(store).resolveSink(
    { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "nope" } },
    "default",
  );
  assert("error" in missing && missing.error.includes('"nope"'));
  const unaddressed = sender(store).resolveSink(
    { ref: { apiVersion: "eventing.knative.dev/v1alpha1", kind: "KafkaSink", name: "ks" } },
    "default",
  );
  assert("error" in unaddressed && unaddressed.error.includes("no address"));
});

Deno.test("another addressable kind resolves to the address in its status", () => {
  const store = storeWith({
    kind: "KafkaSink",
    apiVersion: "eventing.knative.dev/v1alpha1",
    name: "ks",
    status: { address: { url: "http://127.0.0.1:8080/kafkasink/default/ks" } },
  });
  assertEquals(
    sender(store).resolveSink(
      { ref: { apiVersion: "eventing.knative.dev/v1alpha1", kind: "KafkaSink", name: "ks" } },
      "default",
    ),
    { url: "http://127.0.0.1:8080/kafkasink/default/ks" },
  );
});

Deno.test("a bare uri must be absolute", () => {
  assertEquals(sender().resolveSink({ uri: "https://example.com/x" }, "default"), {
    url: "https://example.com/x",
  });
  assert("error" in sender().resolveSink({ uri: "/relative" }, "default"));
});

Deno.test("only URLs on the data port of this node count as local", () => {
  assert(isLocalUrl("http://fn.default.localhost:8080/x", scheme));
  assert(isLocalUrl("http://127.0.0.1:8080/broker/default/default", scheme));
  assert(!isLocalUrl("http://fn.default.localhost:9090/x", scheme));
  assert(!isLocalUrl("http://example.com:8080/", scheme));
  assert(!isLocalUrl("https://fn.default.localhost:8080/", scheme));
});

Deno.test("a local delivery goes in process in binary mode and a reply event is decoded", async () => {
  let seen: CloudEvent | undefined;
  const s = sender(storeWith(), async (req) => {
    equal(req.headers.get("ce-id"), "e-1");
    seen = (await decodeHttpRequest(req)).events[0];
    const reply = encodeHttpBinary({ ...EVENT, id: "r-1", type: "dev.test.pong" });
    return new Response(reply.body, { status: 200, headers: reply.headers });
  });
  const result = await s.send("http://fn.default.localhost:8080/", EVENT);
  equal(result.status, 200);
  equal(seen?.extensions.knativebrokerttl, "255");
  equal(result.reply?.id, "r-1");
  equal(result.replyError, undefined);
});

Deno.test("a 2xx answer with a body that is not a CloudEvent is reported as such", () => {
  const r = replyOf(200, new Headers({ "content-type": "text/plain" }), new TextEncoder().encode("ok"));
  assert(r.replyError?.includes("not a CloudEvent"));
  assertEquals(replyOf(202, new Headers(), new Uint8Array()), {});
  assertEquals(replyOf(500, new Headers(), new TextEncoder().encode("boom")), {});
});

Deno.test("a remote delivery goes over HTTP and is cut at its timeout", async () => {
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    if (new URL(req.url).pathname === "/slow") await new Promise((r) => setTimeout(r, 500));
    return new Response(`got ${req.headers.get("ce-type")}`, { status: 500 });
  });
  try {
    const base = `http://127.0.0.1:${server.addr.port}`;
    const result = await sender().send(`${base}/`, EVENT);
    equal(result.status, 500);
    equal(new TextDecoder().decode(result.body), "got dev.test.ping");
    const started = Date.now();
    await rejects(sender().send(`${base}/slow`, EVENT, { timeoutMs: 100 }), { name: "TimeoutError" });
    assert(Date.now() - started < 1500);
  } finally {
    await server.shutdown();
  }
});
