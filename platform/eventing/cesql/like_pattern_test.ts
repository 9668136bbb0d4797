import { strictEqual as assertEquals } from "node:assert/strict";
import { compileLikePattern } from "./like_pattern.ts";

const CASES: [pattern: string, value: string, matches: boolean][] = [
  ["abc", "abc", true],
  ["abc", "abcd", false],
  ["abc", "ABC", false],
  ["", "", true],
  ["", "a", false],
  ["%", "", true],
  ["%", "anything", true],
  ["%%", "x", true],
  ["a%", "a", true],
  ["%a", "ba", true],
  ["%a", "ab", false],
  ["a%b%c", "azzbzzc", true],
  ["a%b%c", "acb", false],
  ["_", "", false],
  ["_", "😀", true],
  ["__", "😀", false],
  ["_b%", "ab", true],
  ["_b%", "abcd1", true],
  ["_b%", "b", false],
  ["_b%", "aBc", false],
  ["a\\%", "a%", true],
  ["a\\%", "ab", false],
  ["a\\_", "a_", true],
  ["a\\_", "ab", false],
  ["a\\c", "a\\c", true],
  ["a\\c", "ac", false],
  ["a\\", "a\\", true],
  ["%\\%%", "50% off", true],
  ["%\\%%", "50 off", false],
  ["_%_", "ab", true],
  ["_%_", "a", false],
  ["%a%a%a%a%a%a%a%a%b", "a".repeat(5000), false],
  ["line%", "line\nbreak", true],
];

for (const [pattern, value, matches] of CASES) {
  const shown = JSON.stringify(value.length > 20 ? value.slice(0, 10) + "..." : value);
  const verb = matches ? "matches" : "does not match";
  Deno.test(`the LIKE pattern ${JSON.stringify(pattern)} ${verb} ${shown}`, () => {
    assertEquals(compileLikePattern(pattern).matches(value), matches);
  });
}
