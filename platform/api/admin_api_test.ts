import assert from "node:assert/strict";
import { createAdminApi } from "./admin_api.ts";
import { ResourceStore } from "../store/resource_store.ts";
import { BundleStore } from "../store/bundle_store.ts";
import { KindRegistry } from "../resources/kinds.ts";
import { configMapKind } from "../resources/core_kinds.ts";

async function withApi(
  fn: (request: (path: string, init?: RequestInit) => Promise<Response>) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "denative-admin-api-" });
  const store = new ResourceStore(`${dir}/resources.db`);
  const kinds = new KindRegistry();
  kinds.register(configMapKind());
  const api = createAdminApi({
    store,
    bundles: new BundleStore(`${dir}/bundles`),
    kinds,
    token: "t0ken",
    healthy: () => true,
    metrics: () => "",
  });
  try {
    await fn((path, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set("authorization", "Bearer t0ken");
      return Promise.resolve(api.app.request(path, { ...init, headers }));
    });
  } finally {
    api.close();
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

// Found by test/fuzz_platform_test.ts: JSON that is not an object, or a null file entry, gave a 500.
Deno.test("a bundle upload of JSON null or a null file entry is a 422 naming the field", async () => {
  await withApi(async (request) => {
    for (const [body, field] of [["null", "files"], ["7", "files"], ['{"files":[null]}', "files[0]"]]) {
      const res = await request("/bundles", { method: "POST", body });
      assert.equal(res.status, 422, body);
      assert.match((await res.json()).message, new RegExp(`^${field.replace(/[[\]]/g, "\\$&")}:`));
    }
  });
});

Deno.test("the admin API sends no CORS headers, so browsers on other origins cannot read it", async () => {
  await withApi(async (request) => {
    const res = await request("/bundles/none", { headers: { origin: "https://evil.example" } });
    await res.body?.cancel();
    assert.equal(res.headers.get("access-control-allow-origin"), null);
  });
});

// Found by the 100,000-case run of test/fuzz_platform_test.ts: a metadata.name or namespace that is
// an object with a "toString" member broke the mismatch message and gave a 500.
Deno.test("a document whose metadata.name or namespace is an odd object is a 422 naming the field", async () => {
  await withApi(async (request) => {
    for (
      const [metadata, field] of [
        [{ name: { toString: 1 } }, "metadata.name"],
        [{ name: "x", namespace: { toString: {} } }, "metadata.namespace"],
      ] as const
    ) {
      const res = await request("/api/v1/namespaces/default/configmaps/x", {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata }),
      });
      assert.equal(res.status, 422, JSON.stringify(metadata));
      assert.match((await res.json()).message, new RegExp(field.replace(".", "\\.")));
    }
  });
});
