import assert from "node:assert/strict";
import { isDiskFull } from "./disk_full.ts";

Deno.test("isDiskFull() knows SQLite's and the OS's full-disk errors, also as a cause", () => {
  assert.ok(isDiskFull(Object.assign(new Error("database or disk is full"), { errcode: 13 })));
  assert.ok(
    isDiskFull(new Error("saving failed", { cause: new Error("No space left on device (os error 28)") })),
  );
  assert.ok(!isDiskFull(new Error("constraint failed")));
  assert.ok(!isDiskFull("database or disk is full"));
});
