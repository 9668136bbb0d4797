import assert from "node:assert/strict";
import { attributeNameProblem, isAttributeName } from "./attribute_name.ts";

Deno.test("lowercase letters and digits up to 20 characters are valid attribute names", () => {
  for (const name of ["id", "specversion", "ext1", "a", "1abc", "abcdefghijklmnopqrst"]) {
    assert.ok(isAttributeName(name), name);
  }
});

Deno.test("uppercase, punctuation, empty and over-long names are refused with a reason", () => {
  assert.match(attributeNameProblem("MyExtension")!, /lowercase/);
  assert.match(attributeNameProblem("my.extension")!, /lowercase/);
  assert.match(attributeNameProblem("my-ext")!, /lowercase/);
  assert.match(attributeNameProblem("")!, /empty/);
  assert.match(attributeNameProblem("abcdefghijklmnopqrstu")!, /20/);
});

Deno.test("data is reserved and cannot name an attribute", () => {
  assert.match(attributeNameProblem("data")!, /reserved/);
});
