// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { mountKubeApi } from "./kube_api.ts";
import { ResourceStore } from "../../store/resource_store.ts";
import { KindRegistry } from "../../resources/kinds.ts";
import { servingKinds } from "../../resources/serving_registry.ts";
import { secretKind } from "../../resources/secret_kind.ts";
import { configMapKind, namespaceKind } from "../../resources/core_kinds.ts";

async function withApi(fn: (app: Hono, store: ResourceStore) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  const store = new ResourceStore(`${dir}/resources.db`);
  const kinds = new KindRegistry();
  kinds.register(...servingKinds(), secretKind(), namespaceKind(), configMapKind());
  const app = new Hono();
  app.onError((
    err,
  ) => (err instanceof HTTPException ? err.getResponse() : Response.json(String(err), { status: 500 })));
  const api = mountKubeApi(app, { store, kinds, maxBodyBytes: 1 << 20, bookmarkIntervalMs: 20 });
  try {
    await fn(app, store);
  } finally {
    api.close();
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const SVC = "/apis/serving.knative.dev/v1/namespaces/default/services";
const svcDoc = (name: string, image = "img", extra: Record<string, unknown> = {}) => ({
  apiVersion: "serving.knative.dev/v1",
  kind: "Service",
  metadata: { name },
  spec: { template: { spec: { containers: [{ image }] } }, ...extra },
});
const send = (app: Hono, path: string, method: string, body: unknown, type = "application/json") =>
  app.request(path, {
    method,
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": type },
  });

Deno.test("kube api: server-side apply records managers and refuses another manager's change unless forced", async () => {
  await withApi(async (app) => {
    const first = await send(
      app,
      `${SVC}/web?fieldManager=alice`,
      "PATCH",
      svcDoc("web", "a"),
      "application/apply-patch+yaml",
    );
    assert.equal(first.status, 201, await first.clone().text());
    const created = await first.json();
    assert.equal(created.metadata.managedFields[0].manager, "alice");
    const clash = await send(
      app,
      `${SVC}/web?fieldManager=bob`,
      "PATCH",
      svcDoc("web", "b"),
      "application/apply-patch+yaml",
    );
    assert.equal(clash.status, 409);
    const body = await clash.json();
    assert.equal(body.reason, "Conflict");
    assert.match(body.message, /conflict with "alice"/);
    const forced = await send(
      app,
      `${SVC}/web?fieldManager=bob&force=true`,
      "PATCH",
      svcDoc("web", "b"),
      "application/apply-patch+yaml",
    );
    assert.equal(forced.status, 200);
    assert.equal((await forced.json()).spec.template.spec.containers[0].image, "b");
    const noManager = await send(app, `${SVC}/web`, "PATCH", svcDoc("web"), "application/apply-patch+yaml");
    assert.equal(noManager.status, 400);
    const strategic = await send(app, `${SVC}/web`, "PATCH", {}, "application/strategic-merge-patch+json");
    assert.equal(strategic.status, 415, "custom resources refuse strategic merge patch, as in Kubernetes");
  });
});

Deno.test("kube api: the status subresource changes status only; derived kinds are read-only", async () => {
  await withApi(async (app, store) => {
    await send(app, SVC, "POST", svcDoc("web"), "application/json");
    const patched = await send(app, `${SVC}/web/status`, "PATCH", {
      status: { url: "http://x" },
      spec: { nope: 1 },
    }, "application/merge-patch+json");
    assert.equal(patched.status, 200);
    const stored = store.get<any>("Service", "default", "web")!;
    assert.equal(stored.status.url, "http://x");
    assert.equal(stored.spec.nope, undefined);
    const routes = await send(app, "/apis/serving.knative.dev/v1/namespaces/default/routes", "POST", {});
    assert.equal(routes.status, 405);
  });
});

Deno.test("kube api: deleting a namespace deletes what is in it; default always exists", async () => {
  await withApi(async (app, store) => {
    assert.ok(store.get("Namespace", "", "default"));
    assert.equal(
      (await send(app, "/api/v1/namespaces", "POST", {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: "dev" },
      })).status,
      201,
    );
    await send(app, "/apis/serving.knative.dev/v1/namespaces/dev/services", "POST", svcDoc("web"));
    await send(app, "/api/v1/namespaces/dev/configmaps", "POST", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c" },
    });
    const ns = await (await app.request("/api/v1/namespaces/dev")).json();
    assert.equal(ns.metadata.namespace, undefined, "cluster-scoped");
    assert.equal(ns.status.phase, "Active");
    assert.equal((await app.request("/api/v1/namespaces/dev", { method: "DELETE" })).status, 200);
    assert.equal(store.list("Service", "dev").length, 0);
    assert.equal(store.list("ConfigMap", "dev").length, 0);
    assert.equal((await app.request("/api/v1/namespaces/dev")).status, 404);
    assert.equal((await app.request("/api/v1/namespaces/default/namespaces")).status, 404);
    // Writing into a namespace nobody created makes it exist.
    await send(app, "/api/v1/namespaces/team-b/configmaps", "POST", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c" },
    });
    assert.ok(store.get("Namespace", "", "team-b"));
  });
});

Deno.test("kube api: a watch streams changes in scope and sends bookmarks when asked", async () => {
  await withApi(async (app) => {
    await send(app, SVC, "POST", svcDoc("a"));
    const res = await app.request(`${SVC}?watch=true&allowWatchBookmarks=true&labelSelector=team%3Dx`);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const events: { type: string; object: any }[] = [];
    let buffer = "";
    const next = async () => {
      while (!buffer.includes("\n")) buffer += (await reader.read()).value ?? "";
      const [line, ...rest] = buffer.split("\n");
      buffer = rest.join("\n");
      const event = JSON.parse(line);
      events.push(event);
      return event;
    };
    // "a" has no label: nothing for it. Labelling it brings it into the selection.
    await send(
      app,
      `${SVC}/a`,
      "PATCH",
      { metadata: { labels: { team: "x" } } },
      "application/merge-patch+json",
    );
    let event = await next();
    while (event.type === "BOOKMARK") event = await next();
    assert.equal(event.type, "ADDED");
    assert.equal(event.object.metadata.name, "a");
    await app.request(`${SVC}/a`, { method: "DELETE" });
    event = await next();
    while (event.type === "BOOKMARK") event = await next();
    assert.equal(event.type, "DELETED");
    while ((await next()).type !== "BOOKMARK");
    const bookmark = events.findLast((e) => e.type === "BOOKMARK")!;
    assert.ok(
      Number(bookmark.object.metadata.resourceVersion) >= Number(event.object.metadata.resourceVersion),
    );
    await reader.cancel();
  });
});

Deno.test("kube api: writes answer what a GET shows: a Secret's values never come back", async () => {
  await withApi(async (app, store) => {
    const secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s" },
      stringData: { token: "t0p" },
    };
    const path = "/api/v1/namespaces/default/secrets";
    for (
      const res of [
        await send(app, `${path}?dryRun=All`, "POST", secret),
        await send(app, path, "POST", secret),
      ]
    ) {
      assert.equal(res.status, 201);
      assert.deepEqual((await res.json()).data, { token: "" });
    }
    const patched = await send(
      app,
      `${path}/s`,
      "PATCH",
      { stringData: { more: "x" } },
      "application/merge-patch+json",
    );
    assert.deepEqual((await patched.json()).data, { token: "", more: "" });
    assert.equal(atob(store.get<any>("Secret", "default", "s")!.data.token), "t0p");
  });
});

Deno.test("kube api: create with generateName makes a name", async () => {
  await withApi(async (app) => {
    const doc = { ...svcDoc(""), metadata: { generateName: "job-" } };
    const res = await send(app, SVC, "POST", doc);
    assert.equal(res.status, 201);
    assert.match((await res.json()).metadata.name, /^job-[a-z0-9]{5}$/);
    const none = await send(app, SVC, "POST", { ...svcDoc(""), metadata: {} });
    assert.equal(none.status, 422);
  });
});

Deno.test("kube api: kubectl auth can-i is answered yes for the admin token", async () => {
  await withApi(async (app) => {
    const res = await send(app, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "POST", {});
    assert.equal(res.status, 201);
    assert.equal((await res.json()).status.allowed, true);
  });
});

Deno.test("kube api: a patch that is not JSON is a 400 on the object and on its status", async () => {
  await withApi(async (app) => {
    await send(app, SVC, "POST", svcDoc("web"));
    for (const path of [`${SVC}/web`, `${SVC}/web/status`]) {
      const res = await send(app, path, "PATCH", "{not json", "application/merge-patch+json");
      assert.equal(res.status, 400, path);
      assert.equal((await res.json()).reason, "BadRequest");
    }
  });
});
