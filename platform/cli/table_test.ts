import assert from "node:assert/strict";
import { formatFields, formatTable } from "./table.ts";

Deno.test("formatTable() aligns columns three spaces apart without trailing blanks", () => {
  const out = formatTable(["NAME", "URL", "READY"], [
    ["hello", "http://hello.default.localhost:8080", "True"],
    [
      "a",
      "",
      "False",
    ],
  ]);
  assert.equal(
    out,
    [
      "NAME    URL                                   READY",
      "hello   http://hello.default.localhost:8080   True",
      "a                                             False",
    ].join("\n"),
  );
});

Deno.test("formatTable() prints just the header for no rows", () => {
  assert.equal(formatTable(["A", "B"], []), "A   B");
});

Deno.test("formatFields() aligns values after their labels", () => {
  assert.equal(
    formatFields([["Name", "hello"], ["Namespace", "default"], ["Labels", ""]]),
    [
      "Name:       hello",
      "Namespace:  default",
      "Labels:",
    ].join("\n"),
  );
});
