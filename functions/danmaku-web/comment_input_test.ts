import assert from "node:assert/strict";
import { MAX_TEXT_LENGTH, parseCommentInput } from "./comment_input.ts";

Deno.test("parseCommentInput() trims the text and keeps a valid author", () => {
  assert.deepEqual(parseCommentInput({ text: "  hi there \n", author: "page-1" }), {
    ok: true,
    text: "hi there",
    author: "page-1",
  });
  assert.deepEqual(parseCommentInput({ text: "hi" }), { ok: true, text: "hi" });
});

Deno.test("parseCommentInput() refuses empty, overlong and non-string texts with a reason", () => {
  assert.deepEqual(parseCommentInput({ text: "   " }), { ok: false, reason: "text must not be empty" });
  assert.deepEqual(parseCommentInput({}), { ok: false, reason: "text must be a string" });
  assert.deepEqual(parseCommentInput([]), {
    ok: false,
    reason: 'the body must be a JSON object like {"text": "..."}',
  });
  const long = parseCommentInput({ text: "x".repeat(MAX_TEXT_LENGTH + 1) });
  assert.deepEqual(long, { ok: false, reason: "text is 101 characters long; at most 100 are allowed" });
  assert.equal(parseCommentInput({ text: "x", author: "no spaces" }).ok, false);
});

Deno.test("parseCommentInput() counts characters, not UTF-16 units", () => {
  assert.equal(parseCommentInput({ text: "😀".repeat(MAX_TEXT_LENGTH) }).ok, true);
  assert.equal(parseCommentInput({ text: "弹".repeat(MAX_TEXT_LENGTH + 1) }).ok, false);
});
