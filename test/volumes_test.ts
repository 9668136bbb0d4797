/** Volumes: secret and configMap files read-only at their mountPath, an emptyDir per instance. */
import assert from "node:assert/strict";
import { eventually, FIXTURES, Platform, serviceDoc } from "./harness.ts";

async function put(platform: Platform, path: string, doc: unknown) {
  await platform.adminJson(path, {
    method: "PUT",
    body: JSON.stringify(doc),
    headers: { "content-type": "application/json" },
  });
}

async function text(platform: Platform, path: string): Promise<string> {
  return await (await platform.call("probe", path)).text();
}

Deno.test("secret and configMap volumes are readable at their mountPath, nothing beside; an emptyDir is writable and goes with its instance", async () => {
  const platform = await Platform.start();
  try {
    await put(platform, "/api/v1/namespaces/default/secrets/app-secret", {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "app-secret" },
      stringData: { password: "s3cret" },
    });
    await put(platform, "/api/v1/namespaces/default/configmaps/app-config", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "app-config" },
      data: { mode: "production" },
    });
    const doc = serviceDoc("probe", await platform.uploadBundle(`${FIXTURES}/volume_probe`), {
      spec: {
        volumes: [
          { name: "secret", secret: { secretName: "app-secret" } },
          { name: "config", configMap: { name: "app-config" } },
          { name: "scratch", emptyDir: {} },
        ],
      },
    });
    Object.assign(doc.spec.template.spec.containers[0], {
      volumeMounts: [
        { name: "secret", mountPath: "/etc/app-secret", readOnly: true },
        { name: "config", mountPath: "/etc/app-config", readOnly: true },
        { name: "scratch", mountPath: "/scratch" },
      ],
    });
    await platform.putService(doc);
    const svc = await platform.settled("probe");
    assert.equal(
      svc.status?.conditions?.find((c) => c.type === "Ready")?.status,
      "True",
      JSON.stringify(svc.status),
    );
    assert.equal(await text(platform, "/secret"), "ok: s3cret");
    assert.equal(await text(platform, "/config"), "ok: production");
    assert.match(await text(platform, "/beside"), /^denied: /);
    assert.match(await text(platform, "/write-secret"), /^denied: /);
    assert.match(await text(platform, "/write-outside"), /^denied: /);
    assert.equal(await text(platform, "/scratch"), "ok: written");
    const real = await text(platform, "/scratch-real");
    assert.ok((await Deno.stat(`${real}/notes/a.txt`)).isFile);
    // Changing a mounted Secret makes a new Revision that reads the new content.
    await put(platform, "/api/v1/namespaces/default/secrets/app-secret", {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "app-secret" },
      stringData: { password: "rotated" },
    });
    await eventually("a new revision with the new secret", async () => {
      const svc = await platform.service("probe");
      return svc.status?.latestReadyRevisionName === "probe-00002" &&
          (await text(platform, "/secret")) === "ok: rotated"
        ? true
        : undefined;
    });
    // The instance stops with its Service: its emptyDir goes with it.
    const res = await platform.admin("/apis/serving.knative.dev/v1/namespaces/default/services/probe", {
      method: "DELETE",
    });
    await res.body?.cancel();
    await eventually("the emptyDir to be removed", async () => {
      try {
        await Deno.stat(real);
        return undefined;
      } catch {
        return true;
      }
    });
  } finally {
    await platform.stop();
  }
});
