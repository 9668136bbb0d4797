import assert from "node:assert/strict";
import { Hono } from "hono";
import { createDataPlane, type DataPlane, type DataPlaneDeps, type DataPlaneEnv } from "./data_plane.ts";
import { RouteTable } from "./route_table.ts";
import type { RevisionBackend } from "./revision_backend.ts";
import type { ResolvedTrafficTarget } from "../resources/service.ts";

/** A revision that answers with its name and what it was given. */
class FakeBackend implements RevisionBackend {
  calls: { url: string; clientIp?: string }[] = [];
  constructor(readonly revision: string) {}
  dispatch(request: Request, url: string, clientIp?: string): Promise<Response> {
    this.calls.push({ url, clientIp });
    return Promise.resolve(new Response(`${this.revision} ${request.method} ${url}`));
  }
}

const target = (revisionName: string, percent: number, tag?: string): ResolvedTrafficTarget => ({
  revisionName,
  percent,
  latestRevision: false,
  ...(tag ? { tag } : {}),
});

function dataPlane(extra: Partial<DataPlaneDeps> = {}) {
  const routes = new RouteTable();
  routes.set("default", "hello", [target("hello-00001", 100, "current")]);
  routes.set("default", "split", [target("split-00001", 50), target("split-00002", 50, "next")]);
  routes.set("prod", "hello", [target("hello-00003", 100)]);
  routes.set("default", "dark", [target("dark-00001", 0, "dark")]);
  const backends = new Map<string, FakeBackend>();
  for (const rev of ["hello-00001", "split-00001", "split-00002", "hello-00003", "dark-00001"]) {
    backends.set(rev, new FakeBackend(rev));
  }
  const app = createDataPlane({
    routes,
    domain: "example.test",
    poolFor: (_ns, rev) => backends.get(rev),
    mount: (app: Hono<DataPlaneEnv>) => app.post("/ingress", (c) => c.text("mounted")),
    ...extra,
  });
  return { app, backends, routes };
}

/** As the data port calls it. */
const call = (plane: DataPlane, url: string, init: RequestInit = {}) =>
  Promise.resolve(
    plane.fetch(new Request(url, init), { remoteAddr: { hostname: "10.1.2.3", port: 1, transport: "tcp" } }),
  );

const get = (plane: DataPlane, url: string, host?: string) =>
  call(plane, url, { headers: host ? { host } : {} });

Deno.test("a Host of {service}.{namespace}.{domain} reaches the Service's revision with the client's address", async () => {
  const { app, backends } = dataPlane();
  const res = await get(app, "http://x/a?b=1", "hello.default.example.test:8080");
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "hello-00001 GET http://x/a?b=1");
  assert.equal(backends.get("hello-00001")!.calls[0].clientIp, "10.1.2.3");
  assert.equal(
    await (await get(app, "http://x/", "hello.prod.example.test")).text(),
    "hello-00003 GET http://x/",
  );
});

Deno.test("a tag in front of the Service name picks the tagged revision, even at 0%", async () => {
  const { app } = dataPlane();
  assert.match(await (await get(app, "http://x/", "next-split.default.example.test")).text(), /^split-00002/);
  assert.match(await (await get(app, "http://x/", "dark-dark.default.example.test")).text(), /^dark-00001/);
});

Deno.test("a split alternates between its revisions", async () => {
  const { app } = dataPlane();
  const seen = [];
  for (let i = 0; i < 4; i++) {
    seen.push((await (await get(app, "http://x/", "split.default.example.test")).text()).split(" ")[0]);
  }
  assert.deepEqual(seen, ["split-00001", "split-00002", "split-00001", "split-00002"]);
});

Deno.test("/function/{service}[.{namespace}]/rest reaches the Service with the prefix taken off", async () => {
  const { app } = dataPlane();
  assert.equal(
    await (await call(app, "http://node:8080/function/hello/x/y?z=1")).text(),
    "hello-00001 GET http://node:8080/x/y?z=1",
  );
  assert.equal(
    await (await call(app, "http://node/function/hello.prod")).text(),
    "hello-00003 GET http://node/",
  );
});

Deno.test("what cannot be routed gets the platform's own 404 and 503 answers", async () => {
  const { app } = dataPlane();
  const unknown = await call(app, "http://node/function/nope");
  assert.equal(unknown.status, 404);
  assert.match(await unknown.text(), /service "nope" not found in namespace "default"/);
  assert.equal(unknown.headers.get("x-denative-error"), "1");
  const dark = await get(app, "http://x/", "dark.default.example.test");
  assert.equal(dark.status, 503);
  assert.match(await dark.text(), /no ready revision/);
  const nowhere = await get(app, "http://x/", "other.host");
  assert.equal(nowhere.status, 404);
  await nowhere.body?.cancel();
});

Deno.test("a revision without a backend answers 503, and mounted handlers get the rest", async () => {
  const { app, routes } = dataPlane();
  routes.set("default", "ghost", [target("ghost-00001", 100)]);
  const res = await get(app, "http://x/", "ghost.default.example.test");
  assert.equal(res.status, 503);
  assert.match(await res.text(), /revision "ghost-00001" is not ready/);
  const mounted = await call(app, "http://node/ingress", { method: "POST" });
  assert.equal(await mounted.text(), "mounted");
});

Deno.test("without a Host header, the URL's host routes (in-process event delivery)", async () => {
  const { app } = dataPlane();
  const res = await call(app, "http://hello.prod.example.test/x");
  assert.equal(await res.text(), "hello-00003 GET http://hello.prod.example.test/x");
});

Deno.test("the input limits hold on the host-routed path and the Hono path alike, in one in-flight count", async () => {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const { app } = dataPlane({
    poolFor: () => ({
      dispatch: async () => {
        await held;
        return new Response("done");
      },
    }),
    limits: {
      head: { maxUrlBytes: 100, maxHeaderBytes: 200 },
      maxConcurrentRequests: 1,
      bodyLimitFor: () => 1024,
    },
  });
  const first = call(app, "http://x/", { headers: { host: "hello.default.example.test" } });
  const byHost = await get(app, "http://x/", "hello.default.example.test");
  assert.equal(byHost.status, 503);
  assert.equal(byHost.headers.get("retry-after"), "1");
  await byHost.body?.cancel();
  const byPath = await call(app, "http://node/function/hello");
  assert.equal(byPath.status, 503);
  await byPath.body?.cancel();
  release();
  assert.equal(await (await first).text(), "done");
  const big = await call(app, "http://x/", {
    headers: { host: "hello.default.example.test", "x-big": "y".repeat(300) },
  });
  assert.equal(big.status, 431);
  await big.body?.cancel();
  const long = await get(app, `http://x/${"a".repeat(200)}`, "hello.default.example.test");
  assert.equal(long.status, 414);
  await long.body?.cancel();
  // The count went back down: the next request passes.
  assert.equal(await (await get(app, "http://x/", "hello.default.example.test")).text(), "done");
});
