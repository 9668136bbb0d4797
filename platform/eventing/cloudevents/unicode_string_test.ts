import assert from "node:assert/strict";
import { stringProblem } from "./unicode_string.ts";

Deno.test("ordinary text, emoji and non-Latin scripts are allowable strings", () => {
  assert.equal(stringProblem("Euro \u20ac \u{1f600} caf\u00e9"), undefined);
});

Deno.test("control characters, lone surrogates and noncharacters are named as the problem", () => {
  assert.match(stringProblem("a\nb")!, /control character U\+000A/);
  assert.match(stringProblem("a\u0085")!, /control character U\+0085/);
  assert.match(stringProblem("a\ud800")!, /surrogate U\+D800/);
  assert.match(stringProblem("\ufffe")!, /noncharacter U\+FFFE/);
  assert.match(stringProblem("\ufdd0")!, /noncharacter U\+FDD0/);
});
