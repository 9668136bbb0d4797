import assert from "node:assert/strict";
import { maskBannedWords } from "./banned_words.ts";

Deno.test("maskBannedWords() masks every banned word, any case, by its length in characters", () => {
  assert.deepEqual(maskBannedWords("Spam and more spam, 垃圾!"), {
    text: "**** and more ****, **!",
    masked: 3,
  });
  assert.deepEqual(maskBannedWords("nothing to see"), { text: "nothing to see", masked: 0 });
});
