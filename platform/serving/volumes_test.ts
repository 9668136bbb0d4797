import assert from "node:assert/strict";
import type { KObject } from "../resources/meta.ts";
import type { RevisionSpec } from "../resources/service.ts";
import { RevisionNotRunnable } from "./revision_not_runnable.ts";
import { resolveVolumes } from "./volumes.ts";

const objects: Record<string, KObject> = {
  "Secret/db": {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "db", namespace: "default" },
    data: { password: btoa("pw") },
  } as KObject,
  "ConfigMap/app": {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "app", namespace: "default" },
    data: { mode: "prod" },
  } as KObject,
};
const get = (kind: string, name: string) => objects[`${kind}/${name}`];

function spec(volumes: unknown[], mounts: unknown[]): RevisionSpec {
  return { volumes, containers: [{ image: "x", volumeMounts: mounts }] } as RevisionSpec;
}

Deno.test("resolveVolumes() projects secret and configMap keys as files and passes emptyDirs", () => {
  const out = resolveVolumes(
    spec(
      [{ name: "s", secret: { secretName: "db" } }, { name: "c", configMap: { name: "app" } }, {
        name: "e",
        emptyDir: {},
      }],
      [{ name: "s", mountPath: "/etc/db" }, { name: "c", mountPath: "/etc/app" }, {
        name: "e",
        mountPath: "/tmp/x",
      }],
    ),
    get,
  );
  assert.deepEqual(out, [
    { mountPath: "/etc/db", files: { password: btoa("pw") } },
    { mountPath: "/etc/app", files: { mode: btoa("prod") } },
    { mountPath: "/tmp/x", emptyDir: true },
  ]);
});

Deno.test("resolveVolumes() fails the revision for a missing source unless optional", () => {
  assert.throws(
    () =>
      resolveVolumes(
        spec([{ name: "s", secret: { secretName: "nope" } }], [{ name: "s", mountPath: "/a" }]),
        get,
      ),
    (err: unknown) => err instanceof RevisionNotRunnable && /Secret "nope"/.test(err.message),
  );
  assert.deepEqual(
    resolveVolumes(
      spec([{ name: "s", secret: { secretName: "nope", optional: true } }], [{ name: "s", mountPath: "/a" }]),
      get,
    ),
    [{ mountPath: "/a", files: {} }],
  );
});
