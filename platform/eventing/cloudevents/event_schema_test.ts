import assert from "node:assert/strict";
import { CloudEventError } from "./cloudevent_error.ts";
import { extensionValueProblem, parseEventAttributes } from "./event_schema.ts";

const minimal = { specversion: "1.0", id: "1", source: "/s", type: "t" };

function errorOf(members: Record<string, unknown>): CloudEventError {
  try {
    parseEventAttributes(members);
  } catch (error) {
    if (error instanceof CloudEventError) return error;
    throw error;
  }
  throw new Error("expected a CloudEventError");
}

Deno.test("core attributes and extensions are split into the event shape", () => {
  assert.deepEqual(
    parseEventAttributes({
      ...minimal,
      subject: "s",
      time: "2018-04-05T17:31:00Z",
      ext: "x",
      n: 5,
      b: false,
    }),
    {
      specversion: "1.0",
      id: "1",
      source: "/s",
      type: "t",
      subject: "s",
      time: "2018-04-05T17:31:00Z",
      extensions: { ext: "x", n: 5, b: false },
    },
  );
});

Deno.test("null attributes are treated as unset", () => {
  assert.deepEqual(parseEventAttributes({ ...minimal, subject: null, ext: null }), {
    ...minimal,
    extensions: {},
  });
});

Deno.test("a missing required attribute is reported as required", () => {
  const error = errorOf({ specversion: "1.0", source: "/s", type: "t" });
  assert.equal(error.field, "id");
  assert.equal(error.reason, "is required");
});

Deno.test("an empty required attribute is reported as empty", () => {
  assert.deepEqual(
    [errorOf({ ...minimal, type: "" }).field, errorOf({ ...minimal, type: "" }).reason],
    ["type", "must not be empty"],
  );
});

Deno.test("a spec version other than 1.0 is refused", () => {
  const error = errorOf({ ...minimal, specversion: "0.3" });
  assert.equal(error.field, "specversion");
  assert.match(error.reason, /unsupported spec version "0.3"/);
});

Deno.test("a source that is not a URI-reference is refused", () => {
  assert.equal(errorOf({ ...minimal, source: "not a uri" }).field, "source");
});

Deno.test("a relative dataschema is refused because it must be an absolute URI", () => {
  assert.equal(errorOf({ ...minimal, dataschema: "/schema" }).field, "dataschema");
});

Deno.test("a string attribute with a control character is refused", () => {
  const error = errorOf({ ...minimal, id: "a\u0000b" });
  assert.equal(error.field, "id");
  assert.match(error.reason, /control character/);
});

Deno.test("extension values must be strings, booleans or 32-bit integers", () => {
  assert.equal(extensionValueProblem("x"), undefined);
  assert.equal(extensionValueProblem(true), undefined);
  assert.equal(extensionValueProblem(-(2 ** 31)), undefined);
  assert.equal(extensionValueProblem(2 ** 31 - 1), undefined);
  assert.match(extensionValueProblem(1.5)!, /integer/);
  assert.match(extensionValueProblem(2 ** 31)!, /32-bit/);
  assert.match(extensionValueProblem({ a: 1 })!, /string, a boolean or an integer/);
  assert.match(extensionValueProblem([1])!, /string, a boolean or an integer/);
  assert.equal(errorOf({ ...minimal, ext: 1.5 }).field, "ext");
});

Deno.test("an extension with an invalid name is refused naming that name", () => {
  const error = errorOf({ ...minimal, "my-ext": "x" });
  assert.equal(error.field, "my-ext");
  assert.match(error.reason, /lowercase/);
});
