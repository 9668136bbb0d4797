import assert from "node:assert/strict";
import { applyKeyEdits, parseKeyEdits, splitKeyValue } from "./key_value.ts";

Deno.test("splitKeyValue() splits at the first '=' and refuses a missing key", () => {
  assert.deepEqual(splitKeyValue("env", "A=b=c"), ["A", "b=c"]);
  assert.deepEqual(splitKeyValue("env", "A="), ["A", ""]);
  assert.throws(() => splitKeyValue("env", "=x"), /--env "=x": want KEY=VALUE/);
  assert.throws(() => splitKeyValue("env", "A"), /want KEY=VALUE/);
});

Deno.test("parseKeyEdits() and applyKeyEdits() set and remove keys", () => {
  const edits = parseKeyEdits("annotation", ["a=1", "b-", "c=x-"]);
  assert.deepEqual(edits, { set: [["a", "1"], ["c", "x-"]], remove: ["b"] });
  assert.deepEqual(applyKeyEdits({ b: "old", d: "keep" }, edits), { a: "1", c: "x-", d: "keep" });
});
