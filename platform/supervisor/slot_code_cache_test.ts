import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { moduleUrlPrefix, prefixRange, SlotCodeCache } from "./slot_code_cache.ts";
import { createLogger } from "../log.ts";

Deno.test("prefixRange bounds exactly the keys under a directory", () => {
  const { low, high } = prefixRange("file:///s/1-2/");
  const inside = (k: string) => k >= low && k < high;
  assert.ok(inside("file:///s/1-2/"));
  assert.ok(inside("file:///s/1-2/.main.resolved.js"));
  assert.ok(inside("file:///s/1-2/lib/deep/x.ts"));
  assert.ok(inside("file:///s/1-2/\u{10ffff}"));
  assert.ok(!inside("file:///s/1-2"));
  assert.ok(!inside("file:///s/1-20/main.ts"));
  assert.ok(!inside("file:///s/1-2.volumes/a"));
  assert.ok(!inside("file:///s/1-3/main.ts"));
  assert.throws(() => prefixRange("file:///s/1-2"));
});

Deno.test("moduleUrlPrefix is the directory's file URL, as Deno keys modules", () => {
  assert.equal(moduleUrlPrefix("/tmp/a b/slots/1-2"), "file:///tmp/a%20b/slots/1-2/");
  assert.equal(moduleUrlPrefix("/tmp/x/"), "file:///tmp/x/");
});

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

function rows(denoDir: string, file: string, table: string): Map<string, string> {
  const db = new DatabaseSync(`${denoDir}/${file}`, { readOnly: true });
  try {
    const out = new Map<string, string>();
    for (
      const r of db.prepare(`SELECT specifier, CAST(source_hash AS TEXT) AS source_hash FROM ${table}`).all()
    ) {
      out.set(String(r.specifier), String(r.source_hash));
    }
    return out;
  } finally {
    db.close();
  }
}

Deno.test("Deno's caches of a module loaded from one slot are carried to the next slot and dropped with the first", async () => {
  const root = await Deno.makeTempDir({ prefix: "denative-code-cache-test-" });
  const denoDir = `${root}/deno-cache`;
  const bundle = `${root}/bundles/abc`;
  const [slotA, slotB] = [`${root}/slots/1-1`, `${root}/slots/1-2`];
  const cache = new SlotCodeCache(denoDir, createLogger("test", { write: () => {} }));
  try {
    await Deno.mkdir(bundle, { recursive: true });
    await Deno.mkdir(`${root}/slots`);
    await Deno.writeTextFile(
      `${bundle}/.main.resolved.js`,
      "export default { n: [1, 2, 3].map((x) => x * 2) };\n",
    );
    await Deno.writeTextFile(`${bundle}/lib.ts`, "export const n: number = 1;\n");
    await Deno.symlink(bundle, slotA);
    await Deno.symlink(bundle, slotB);
    // A real Deno, as a pool host runs, loads the module from slot A and fills its caches.
    await Deno.writeTextFile(
      `${root}/load.js`,
      `await import("file://${slotA}/.main.resolved.js");\nawait import("file://${slotA}/lib.ts");\n`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-config", "--allow-read", `${root}/load.js`],
      env: { DENO_DIR: denoDir, NO_COLOR: "1" },
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const a = `file://${slotA}/.main.resolved.js`;
    const b = `file://${slotB}/.main.resolved.js`;
    const canonical = `file://${bundle}/.main.resolved.js`;
    for (
      const [file, table] of [["v8_code_cache_v2", "codecache"], ["dep_analysis_cache_v2", "moduleinfocache"]]
    ) {
      assert.ok(
        rows(denoDir, file, table).has(a),
        `${table} has no entry for the module (Deno's tables changed?)`,
      );
    }

    cache.keep(bundle, slotA);
    cache.prime(bundle, slotB);
    assert.ok(await exists(`${denoDir}/gen/file${slotA}/lib.ts.js`), "Deno's TypeScript output for slot A");
    await cache.forget(slotA);
    assert.ok(!await exists(`${denoDir}/gen/file${slotA}`), "and it is gone with the slot");

    for (
      const [file, table] of [["v8_code_cache_v2", "codecache"], ["dep_analysis_cache_v2", "moduleinfocache"]]
    ) {
      const r = rows(denoDir, file, table);
      assert.ok(!r.has(a), `${table}: slot A's entry is gone`);
      assert.ok(r.has(canonical), `${table}: the bundle keeps the entry`);
      assert.equal(r.get(b), r.get(canonical), `${table}: slot B has it, for the same source`);
    }
  } finally {
    cache.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("without Deno's caches (no pool host has run yet) nothing is carried and nothing fails", () => {
  const cache = new SlotCodeCache("/nonexistent/deno-cache", createLogger("test", { write: () => {} }));
  cache.prime("/b/abc", "/s/1-1");
  cache.keep("/b/abc", "/s/1-1");
  cache.forget("/s/1-1");
  cache.close();
});
