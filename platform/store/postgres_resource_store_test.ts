import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { PostgresResourceStore } from "./postgres_resource_store.ts";
import type { WatchEvent } from "./resource_store.ts";
import { createTestDatabase, postgresTest, postgresUnreachable } from "../../test/postgres_test_env.ts";
import type { KObject } from "../resources/meta.ts";

const missing = await postgresUnreachable();

function cm(name: string, data: Record<string, string>): KObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default" }, data } as KObject;
}

async function twoNodes(fn: (a: PostgresResourceStore, b: PostgresResourceStore) => Promise<void> | void) {
  const db = await createTestDatabase();
  const dir = await Deno.makeTempDir();
  const a = new PostgresResourceStore({ url: db.url, localDbPath: `${dir}/a.db` });
  const b = new PostgresResourceStore({ url: db.url, localDbPath: `${dir}/b.db` });
  try {
    await fn(a, b);
  } finally {
    a.close();
    b.close();
    await db.drop();
    await Deno.remove(dir, { recursive: true });
  }
}

async function until(what: string, probe: () => boolean) {
  const end = Date.now() + 5_000;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

postgresTest(
  "a write on one node reaches the other node's watchers with one resourceVersion counter",
  async () => {
    await twoNodes(async (a, b) => {
      const seen: WatchEvent[] = [];
      b.watch((e) => seen.push(e));
      const first = a.put(cm("one", { x: "1" }));
      assertEquals(first.metadata.resourceVersion, "1");
      const second = b.put(cm("two", { y: "2" }));
      assertEquals(second.metadata.resourceVersion, "2", "b caught up with a's write before its own");
      a.put(cm("one", { x: "3" }));
      await until("b sees a's update", () =>
        b.get("ConfigMap", "default", "one")?.data !== undefined &&
        (b.get("ConfigMap", "default", "one") as KObject & { data: { x: string } }).data.x === "3");
      assertEquals(
        seen.map((e) => `${e.type} ${e.object.metadata.name} ${e.object.metadata.resourceVersion}`),
        [
          "ADDED one 1",
          "ADDED two 2",
          "MODIFIED one 3",
        ],
      );
      assertEquals(b.get("ConfigMap", "default", "one")?.metadata.generation, 2);
      assert(b.delete("ConfigMap", "default", "one"));
      await until("a sees the delete", () => a.get("ConfigMap", "default", "one") === undefined);
      assertEquals(a.version, 4);
      assertEquals(b.list("ConfigMap").map((o) => o.metadata.name), ["two"]);
    });
  },
  missing,
);

postgresTest("a write from a stale cache is retried after catching up, so no update is lost", async () => {
  await twoNodes((a, b) => {
    a.put(cm("c", { v: "0" }));
    b.catchUp();
    // Both change status from the same starting version; the second write conflicts and retries.
    a.updateStatus("ConfigMap", "default", "c", { observedGeneration: 10 });
    const fromB = b.updateStatus("ConfigMap", "default", "c", { observedGeneration: 20 });
    assertEquals(fromB?.status, { observedGeneration: 20 });
    assertEquals(fromB?.metadata.resourceVersion, "3");
    a.catchUp();
    assertEquals(a.get("ConfigMap", "default", "c")?.status, { observedGeneration: 20 });
  });
}, missing);

postgresTest("a node that starts later loads every object and continues the counter", async () => {
  const db = await createTestDatabase();
  const dir = await Deno.makeTempDir();
  try {
    const a = new PostgresResourceStore({ url: db.url, localDbPath: `${dir}/a.db` });
    for (let i = 0; i < 5; i++) a.put(cm(`m${i}`, { i: String(i) }));
    const late = new PostgresResourceStore({ url: db.url, localDbPath: `${dir}/late.db` });
    assertEquals(late.version, 5);
    assertEquals(late.list("ConfigMap").length, 5);
    assertEquals(late.put(cm("m9", {})).metadata.resourceVersion, "6");
    a.close();
    late.close();
  } finally {
    await db.drop();
    await Deno.remove(dir, { recursive: true });
  }
}, missing);
