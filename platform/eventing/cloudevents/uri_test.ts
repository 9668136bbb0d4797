import assert from "node:assert/strict";
import { isAbsoluteUri, isUriReference } from "./uri.ts";

Deno.test("absolute URIs and relative references are URI-references", () => {
  for (
    const text of [
      "https://cloudevents.io",
      "/mycontext/subcontext",
      "#fragment",
      "//authority/path",
      "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
      "/apis/v1/namespaces/ns/kafkasources/name#topic",
      "a%20b",
    ]
  ) {
    assert.ok(isUriReference(text), text);
  }
});

Deno.test("spaces, bad percent escapes and invalid schemes are not URI-references", () => {
  for (const text of ["my source", "100%", "%zz", "1http://x", "a<b>", "caf\u00e9"]) {
    assert.ok(!isUriReference(text), text);
  }
});

Deno.test("only URIs with a scheme are absolute", () => {
  assert.ok(isAbsoluteUri("https://cloudevents.io/dataschema"));
  assert.ok(isAbsoluteUri("urn:example"));
  assert.ok(!isAbsoluteUri("/relative/path"));
  assert.ok(!isAbsoluteUri("#fragment"));
  assert.ok(!isAbsoluteUri("https://cloudevents.io/a b"));
});
