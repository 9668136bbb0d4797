import assert from "node:assert/strict";
import { keyValueTable, parseFeature } from "./feature_file.ts";

const feature = `@tag
Feature: Sample

    Some description.

    Background:
    Given something is supported

    Scenario Outline: Mode (<kind>)
    Given a message
        """
        line <kind>
          indented
        """
    Then the values are:
        | key  | value  |
        |    k | <kind> |
    Examples:
    | kind |
    | one  |
    | two  |

    Scenario: Plain
    When parsed
`;

Deno.test("an outline expands into one scenario per example row with placeholders filled", () => {
  const scenarios = parseFeature(feature);
  assert.deepEqual(scenarios.map((s) => s.name), ["Mode (one)", "Mode (two)", "Plain"]);
  const [first] = scenarios;
  assert.deepEqual(first.steps.map((s) => `${s.keyword} ${s.text}`), [
    "Given something is supported",
    "Given a message",
    "Then the values are:",
  ]);
  assert.equal(first.steps[1].docString, "line one\n  indented");
  assert.deepEqual(first.steps[2].table, [["key", "value"], ["k", "one"]]);
});

Deno.test("background steps come first in plain scenarios too", () => {
  const plain = parseFeature(feature)[2];
  assert.deepEqual(plain.steps.map((s) => s.text), ["something is supported", "parsed"]);
});

Deno.test("a key/value table becomes a map without its header row", () => {
  assert.deepEqual(keyValueTable([["key", "value"], ["a", "1"], ["b", "2"]]), { a: "1", b: "2" });
  assert.throws(() => keyValueTable(undefined), SyntaxError);
});
