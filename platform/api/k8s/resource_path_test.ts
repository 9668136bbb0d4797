import assert from "node:assert/strict";
import { parseApiPath } from "./resource_path.ts";

const plurals = new Set(["/v1/secrets", "/v1/namespaces", "serving.knative.dev/v1/services"]);
const isPlural = (g: string, v: string, p: string) => plurals.has(`${g}/${v}/${p}`);

Deno.test("api paths: discovery documents", () => {
  assert.deepEqual(parseApiPath("/api", isPlural), { type: "coreVersions" });
  assert.deepEqual(parseApiPath("/apis", isPlural), { type: "groups" });
  assert.deepEqual(parseApiPath("/apis/serving.knative.dev", isPlural), {
    type: "group",
    group: "serving.knative.dev",
  });
  assert.deepEqual(parseApiPath("/api/v1", isPlural), { type: "resources", group: "", version: "v1" });
  assert.equal(parseApiPath("/version", isPlural), undefined);
});

Deno.test("api paths: namespaced, cluster-wide, named and subresources", () => {
  assert.deepEqual(parseApiPath("/apis/serving.knative.dev/v1/namespaces/a/services/b/status", isPlural), {
    type: "resource",
    group: "serving.knative.dev",
    version: "v1",
    namespace: "a",
    plural: "services",
    name: "b",
    subresource: "status",
  });
  assert.deepEqual(parseApiPath("/apis/serving.knative.dev/v1/services", isPlural), {
    type: "resource",
    group: "serving.knative.dev",
    version: "v1",
    plural: "services",
    name: undefined,
    subresource: undefined,
  });
  // A namespace object and its own subresource, not a collection inside it.
  assert.deepEqual(parseApiPath("/api/v1/namespaces/dev", isPlural), {
    type: "resource",
    group: "",
    version: "v1",
    plural: "namespaces",
    name: "dev",
    subresource: undefined,
  });
  assert.equal(
    (parseApiPath("/api/v1/namespaces/dev/status", isPlural) as { subresource: string }).subresource,
    "status",
  );
  assert.equal(
    (parseApiPath("/api/v1/namespaces/dev/secrets", isPlural) as { namespace: string }).namespace,
    "dev",
  );
  assert.equal(parseApiPath("/api/v1/namespaces/dev/secrets/a/b/c", isPlural), undefined);
});
