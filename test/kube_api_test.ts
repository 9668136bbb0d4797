// deno-lint-ignore-file no-explicit-any
/**
 * The Kubernetes API verbs over plain HTTP on the admin port (the same API the HTTPS port serves):
 * paging, field selectors, dry runs, delete preconditions, watch resume, and 410 Expired for a
 * watch from before the platform's watch history.
 */
import assert from "node:assert/strict";
import { Platform } from "./harness.ts";

const CM = "/api/v1/namespaces/default/configmaps";
const json = { "content-type": "application/json" };
const configMap = (name: string) =>
  JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { k: name } });

async function firstEvent(res: Response): Promise<{ type: string; object: Record<string, any> }> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  await reader.cancel();
  return JSON.parse(text.split("\n")[0]);
}

Deno.test("kubernetes API: paging, selectors, dry run, preconditions, watch resume and 410", async () => {
  let platform = await Platform.start();
  try {
    for (const name of ["a", "b", "c"]) {
      const res = await platform.admin(CM, { method: "POST", body: configMap(name), headers: json });
      assert.equal(res.status, 201, await res.text());
    }
    const again = await platform.admin(CM, { method: "POST", body: configMap("a"), headers: json });
    assert.equal(again.status, 409);
    assert.equal((await again.json()).reason, "AlreadyExists");

    const page1 = await platform.adminJson<any>(`${CM}?limit=2`);
    assert.deepEqual(page1.items.map((i: any) => i.metadata.name), ["a", "b"]);
    assert.equal(page1.metadata.remainingItemCount, 1);
    const page2 = await platform.adminJson<any>(`${CM}?limit=2&continue=${page1.metadata.continue}`);
    assert.deepEqual(page2.items.map((i: any) => i.metadata.name), ["c"]);
    assert.equal(page2.metadata.continue, undefined);

    const byName = await platform.adminJson<any>(`${CM}?fieldSelector=metadata.name%3Db`);
    assert.deepEqual(byName.items.map((i: any) => i.metadata.name), ["b"]);
    const badSelector = await platform.admin(`${CM}?labelSelector=${encodeURIComponent("a=b=c")}`);
    assert.equal(badSelector.status, 400);

    const dry = await platform.admin(`${CM}?dryRun=All`, {
      method: "POST",
      body: configMap("d"),
      headers: json,
    });
    assert.equal(dry.status, 201);
    assert.equal((await platform.admin(`${CM}/d`)).status, 404, "a dry run stores nothing");

    const stale = await platform.admin(`${CM}/a`, {
      method: "DELETE",
      body: JSON.stringify({ preconditions: { uid: "not-the-uid" } }),
      headers: json,
    });
    assert.equal(stale.status, 409);

    const table = await platform.adminJson<any>(CM, {
      headers: { accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json" },
    });
    assert.equal(table.kind, "Table");
    assert.deepEqual(table.rows.map((r: any) => r.cells[0]), ["a", "b", "c"]);

    const discovery = await platform.admin("/apis", {
      headers: {
        accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json",
      },
    });
    assert.match(discovery.headers.get("content-type")!, /as=APIGroupDiscoveryList/);
    assert.equal((await discovery.json()).kind, "APIGroupDiscoveryList");

    // Resume a watch from a list's version: the change made after the list comes first.
    const listed = await platform.adminJson<any>(CM);
    await platform.admin(`${CM}/e`, { method: "PUT", body: configMap("e"), headers: json }).then((r) =>
      r.body?.cancel()
    );
    const resumed = await firstEvent(
      await platform.admin(`${CM}?watch=true&resourceVersion=${listed.metadata.resourceVersion}`),
    );
    assert.equal(resumed.type, "ADDED");
    assert.equal(resumed.object.metadata.name, "e");
    assert.ok(Number(resumed.object.metadata.resourceVersion) > Number(listed.metadata.resourceVersion));

    // After a restart the watch history starts anew: an older version is Expired.
    platform = await platform.restart();
    const expired = await firstEvent(await platform.admin(`${CM}?watch=true&resourceVersion=1`));
    assert.equal(expired.type, "ERROR");
    assert.equal(expired.object.code, 410);
    assert.equal(expired.object.reason, "Expired");
  } finally {
    await platform.stop();
  }
});
