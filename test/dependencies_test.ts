/**
 * Dependencies resolved when a function is deployed: npm packages the platform has never cached are
 * fetched once, by the platform, into the bundle; instances start from the bundle alone.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { copyDir, eventually, FIXTURES, Platform, serviceDoc, tempDir } from "./harness.ts";

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

/** Modules Deno has compiled code cached for, in the pool hosts' DENO_DIR (the platform's, or its default). */
function codeCached(platform: Platform): string[] {
  const denoDir = Deno.env.get("DENO_DIR") ?? `${platform.state}/deno-cache`;
  const db = new DatabaseSync(`${denoDir}/v8_code_cache_v2`, { readOnly: true });
  try {
    return db.prepare("SELECT specifier FROM codecache").all().map((r) => String(r.specifier));
  } finally {
    db.close();
  }
}

Deno.test("a bundled function runs from one self-contained module, starts from zero with Deno's caches of it, and its stack traces name its own lines", async () => {
  const platform = await Platform.start({ env: { DENATIVE_SCALE_TO_ZERO_GRACE_PERIOD: "1s" } });
  try {
    const image = await platform.uploadBundle(`${FIXTURES}/npm_throws`);
    await platform.putService(
      serviceDoc("npm-throws", image, { annotations: { "autoscaling.knative.dev/window": "6s" } }),
    );
    const svc = await platform.settled("npm-throws", "default", 180_000);
    assert.equal(svc.status?.conditions?.find((c) => c.type === "Ready")?.status, "True");
    assert.equal(await (await platform.call("npm-throws", "/")).text(), "bundled hono in npm-throws-00001");

    // What the revision runs: one module (and its source map) beside the code, importing no package.
    const bundle = `${platform.state}/bundles/${image.replace(/^.*sha256:/, "")}`;
    const resolved = await Deno.readTextFile(`${bundle}/.main.resolved.js`);
    assert.doesNotMatch(resolved, /\bfrom\s*["'](npm:|jsr:|https?:)/);
    assert.match(resolved, /sourceMappingURL=\.main\.resolved\.js\.map\s*$/);
    assert.ok((await Deno.stat(`${bundle}/.main.resolved.js.map`)).isFile);

    // Deno's compiled code for it is kept under the bundle's own URL once an instance has loaded it...
    const canonical = new URL(`file://${bundle}/.main.resolved.js`).href;
    await eventually(
      "the module's code cache kept for the bundle",
      () => Promise.resolve(codeCached(platform).includes(canonical) || undefined),
    );
    // ...and the entries of each instance's own slot go with the instance.
    const rev = "/apis/serving.knative.dev/v1/namespaces/default/revisions/npm-throws-00001";
    const replicas = async () =>
      (await platform.adminJson<{ status?: { actualReplicas?: number } }>(rev)).status?.actualReplicas;
    await eventually("npm-throws at zero", async () => (await replicas()) === 0 || undefined, 60_000, 250);
    await eventually(
      "no slot's entries left",
      () => Promise.resolve(!codeCached(platform).some((s) => s.includes("/slots/")) || undefined),
    );

    // From zero, the next instance loads it with those caches and answers.
    assert.equal(await (await platform.call("npm-throws", "/")).text(), "bundled hono in npm-throws-00001");
    const failed = await platform.call("npm-throws", "/fail");
    assert.equal(failed.status, 500);
    await failed.body?.cancel();
    const logged = await eventually("the stack trace in the revision's log", async () => {
      const res = await platform.admin("/logs/namespaces/default/services/npm-throws");
      const text = await res.text();
      return text.includes("thrown-in-npm-throws") ? text : undefined;
    });
    // The throw is on line 7 of the function's main.ts, not somewhere in the bundled module.
    assert.match(logged, /main\.ts:7:\d+/);
    assert.doesNotMatch(logged, /\.main\.resolved\.js:\d+/);
  } finally {
    await platform.stop();
  }
});

Deno.test("a function that cannot be bundled fails its revision with the bundler's message naming the line", async () => {
  const platform = await Platform.start({ functions: { "npm-broken": `${FIXTURES}/npm_broken` } });
  try {
    const svc = await platform.settled("npm-broken", "default", 180_000);
    const ready = svc.status?.conditions?.find((c) => c.type === "Ready");
    assert.equal(ready?.status, "False");
    assert.match(ready?.message ?? "", /Expression expected.*main\.ts:5:/);
  } finally {
    await platform.stop();
  }
});
