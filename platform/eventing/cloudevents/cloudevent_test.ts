import assert from "node:assert/strict";
import { CORE_ATTRIBUTES, isCoreAttribute, SPEC_VERSION } from "./cloudevent.ts";

Deno.test("the codec speaks CloudEvents 1.0 with its eight core attributes", () => {
  assert.equal(SPEC_VERSION, "1.0");
  assert.equal(CORE_ATTRIBUTES.length, 8);
});

Deno.test("core attribute names are told apart from extension names", () => {
  assert.ok(isCoreAttribute("datacontenttype"));
  assert.ok(!isCoreAttribute("partitionkey"));
  assert.ok(!isCoreAttribute("data"));
});
