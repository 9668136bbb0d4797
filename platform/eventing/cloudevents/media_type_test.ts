import assert from "node:assert/strict";
import { isJsonMediaType, isMediaType, mediaTypeEssence, parseMediaType } from "./media_type.ts";

Deno.test("a media type parses into lowercased type, subtype and parameters", () => {
  assert.deepEqual(parseMediaType('Application/JSON; Charset=utf-8; name="a \\"b\\""'), {
    type: "application",
    subtype: "json",
    parameters: { charset: "utf-8", name: 'a "b"' },
  });
});

Deno.test("text without a type/subtype pair is not a media type", () => {
  for (
    const text of ["xyz", "", "application/", "/json", "application/json;", "text/plain; charset", "a b/c"]
  ) {
    assert.ok(!isMediaType(text), text);
  }
});

Deno.test("the essence of a media type drops its parameters", () => {
  assert.equal(
    mediaTypeEssence("application/cloudevents+json; charset=UTF-8"),
    "application/cloudevents+json",
  );
  assert.equal(mediaTypeEssence("nonsense"), undefined);
});

Deno.test("json subtypes, +json suffixes and an absent content type declare JSON data", () => {
  assert.ok(isJsonMediaType("application/json"));
  assert.ok(isJsonMediaType("application/json; charset=utf-8"));
  assert.ok(isJsonMediaType("application/vnd.api+json"));
  assert.ok(isJsonMediaType("text/json"));
  assert.ok(isJsonMediaType(undefined));
  assert.ok(!isJsonMediaType("text/plain"));
  assert.ok(!isJsonMediaType("application/jsonx"));
});
