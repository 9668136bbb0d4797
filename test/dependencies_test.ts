/**
 * Dependencies resolved when a function is deployed: npm packages the platform has never cached are
 * fetched once, by the platform, into the bundle; instances start from the bundle alone.
 */
import assert from "node:assert/strict";
import { copyDir, FIXTURES, Platform, serviceDoc, tempDir } from "./harness.ts";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("an npm function deploys with its own deno.json and answers; its instances need no package cache", async () => {
  const platform = await Platform.start({ functions: { "npm-deps": `${FIXTURES}/npm_deps` } });
  let current = platform;
  try {
    const svc = await platform.settled("npm-deps", "default", 180_000);
    assert.equal(svc.status?.conditions?.find((c) => c.type === "Ready")?.status, "True");
    let res = await platform.call("npm-deps", "/");
    assert.equal(await res.text(), "hello from hono, revision npm-deps-00001");
    res = await platform.call("npm-deps", "/greet", { method: "POST", body: '{"name":"ada"}' });
    assert.deepEqual(await res.json(), { greeting: "hello ada" });
    res = await platform.call("npm-deps", "/greet", { method: "POST", body: '{"name":""}' });
    assert.equal(res.status, 422);
    // Fetched by the platform into the cache every bundle shares (a fresh state: nothing was cached).
    const cache = `${platform.state}/bundles/.dependencies`;
    assert.ok(await exists(`${cache}/npm/registry.npmjs.org/zod/3.25.76`));
    assert.ok(await exists(`${cache}/npm/registry.npmjs.org/hono/4.13.23`));
    // Starting an instance needs neither that cache nor the network (pool hosts run --cached-only).
    await Deno.remove(cache, { recursive: true });
    current = await platform.restart();
    res = await current.call("npm-deps", "/");
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "hello from hono, revision npm-deps-00001");
  } finally {
    await current.stop();
  }
});

Deno.test("a dependency that cannot be resolved fails the revision with the resolver's message naming it", async () => {
  const platform = await Platform.start({ functions: { "npm-missing": `${FIXTURES}/npm_missing` } });
  try {
    const svc = await platform.settled("npm-missing", "default", 180_000);
    assert.equal(svc.status?.conditions?.find((c) => c.type === "Ready")?.status, "False");
    const rev = await platform.adminJson<
      { status: { conditions: { type: string; reason?: string; message?: string }[] } }
    >(
      "/apis/serving.knative.dev/v1/namespaces/default/revisions/npm-missing-00001",
    );
    const ready = rev.status.conditions.find((c) => c.type === "Ready")!;
    assert.equal(ready.reason, "DependenciesFailed");
    assert.match(ready.message!, /denative-no-such-package-0f3c/);
  } finally {
    await platform.stop();
  }
});

Deno.test("an instance cannot fetch a package at run time: pool hosts have no way to a registry", async () => {
  const platform = await Platform.start({ functions: { "runtime-fetch": `${FIXTURES}/runtime_fetch` } });
  try {
    await platform.settled("runtime-fetch", "default", 180_000);
    const text = await (await platform.call("runtime-fetch", "/")).text();
    assert.match(text, /^refused: .*is-odd/, text);
  } finally {
    await platform.stop();
  }
});

Deno.test("a function with a package.json gets its dependencies at deploy and imports them by bare name", async () => {
  const platform = await Platform.start({ functions: { "npm-pkg": `${FIXTURES}/npm_package_json` } });
  try {
    await platform.settled("npm-pkg", "default", 180_000);
    const res = await platform.call("npm-pkg", "/");
    assert.equal(await res.text(), "zod from package.json in npm-pkg-00001");
  } finally {
    await platform.stop();
  }
});

Deno.test("a deno.lock is honoured: a lock whose integrity does not match fails, the true one deploys", async () => {
  const platform = await Platform.start();
  const tampered = await tempDir();
  try {
    // First, while nothing is cached: the integrity is checked when the package is downloaded.
    await copyDir(`${FIXTURES}/npm_locked`, tampered);
    const lock = await Deno.readTextFile(`${tampered}/deno.lock`);
    await Deno.writeTextFile(`${tampered}/deno.lock`, lock.replace(/"sha512-[^"]+"/, '"sha512-AAAA"'));
    await platform.putService(serviceDoc("tampered", await platform.uploadBundle(tampered)));
    let svc = await platform.settled("tampered", "default", 180_000);
    const ready = svc.status?.conditions?.find((c) => c.type === "Ready");
    assert.equal(ready?.status, "False");
    assert.match(ready?.message ?? "", /hono/);
    await platform.putService(serviceDoc("locked", await platform.uploadBundle(`${FIXTURES}/npm_locked`)));
    svc = await platform.settled("locked", "default", 180_000);
    assert.equal(svc.status?.conditions?.find((c) => c.type === "Ready")?.status, "True");
    assert.equal(await (await platform.call("locked", "/")).text(), "locked hono");
  } finally {
    await platform.stop();
  }
});
