import assert from "node:assert/strict";
import { parseDocuments } from "./documents.ts";
import { CliError } from "./cli_error.ts";

Deno.test("parseDocuments() reads several YAML documents, skipping empty ones", () => {
  const docs = parseDocuments(
    "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n---\n# nothing\n---\nkind: Broker\n",
    "f.yaml",
  );
  assert.deepEqual(docs, [{ apiVersion: "v1", kind: "Secret", metadata: { name: "a" } }, { kind: "Broker" }]);
});

Deno.test("parseDocuments() reads JSON, and expands Lists", () => {
  assert.deepEqual(parseDocuments('{"kind":"Service"}', "f.json"), [{ kind: "Service" }]);
  assert.deepEqual(
    parseDocuments('{"kind":"ServiceList","items":[{"kind":"Service"},{"kind":"Service","x":1}]}', "f"),
    [{ kind: "Service" }, { kind: "Service", x: 1 }],
  );
  assert.deepEqual(parseDocuments("kind: List\nitems:\n- kind: Broker\n", "f"), [{ kind: "Broker" }]);
});

Deno.test("parseDocuments() refuses broken input with the file's name", () => {
  assert.throws(
    () => parseDocuments("{nope", "x.json"),
    (e) => e instanceof CliError && /^x.json is not valid JSON/.test(e.message),
  );
  assert.throws(() => parseDocuments("a: [1\n", "x.yaml"), /x.yaml: document 1 is not valid YAML/);
  assert.throws(() => parseDocuments("", "x.yaml"), /holds no resource documents/);
  assert.throws(() => parseDocuments("- 1\n- 2\n", "x.yaml"), /document 1 is not an object/);
});
