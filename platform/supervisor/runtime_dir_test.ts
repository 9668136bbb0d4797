import { equal } from "node:assert/strict";
import { join } from "node:path";
import { isRunning, openRuntimeDir, removeOrphanedRuntimeDirs } from "./runtime_dir.ts";

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The pid of a process that has already exited. */
async function deadPid(): Promise<number> {
  const child = new Deno.Command("true").spawn();
  await child.status;
  return child.pid;
}

Deno.test("a runtime directory whose platform is gone is removed by the next one; a live one is kept", async () => {
  const mine = await openRuntimeDir();
  const orphan = await Deno.makeTempDir({ prefix: "denative-" });
  const foreign = await Deno.makeTempDir({ prefix: "denative-" }); // no owner file: not ours to judge
  try {
    const dead = await deadPid();
    equal(isRunning(dead), false);
    await Deno.writeTextFile(join(orphan, "owner.pid"), String(dead));
    await removeOrphanedRuntimeDirs();
    equal(exists(orphan), false);
    equal(exists(mine), true);
    equal(exists(foreign), true);
  } finally {
    for (const dir of [mine, orphan, foreign]) await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("the runtime directories of one owner can be removed by pid", async () => {
  const dir = await Deno.makeTempDir({ prefix: "denative-" });
  try {
    await Deno.writeTextFile(join(dir, "owner.pid"), "4194303");
    await removeOrphanedRuntimeDirs(4194302);
    equal(exists(dir), true);
    await removeOrphanedRuntimeDirs(4194303);
    equal(exists(dir), false);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
