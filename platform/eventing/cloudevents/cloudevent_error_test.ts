import assert from "node:assert/strict";
import { CloudEventError } from "./cloudevent_error.ts";

Deno.test("a CloudEventError names the field and the reason in its message", () => {
  const error = new CloudEventError("time", "must be an RFC 3339 timestamp");
  assert.equal(error.field, "time");
  assert.equal(error.reason, "must be an RFC 3339 timestamp");
  assert.equal(error.message, "time: must be an RFC 3339 timestamp");
  assert.equal(error.name, "CloudEventError");
  assert.ok(error instanceof Error);
});

Deno.test("a CloudEventError located in a batch carries the index of the event", () => {
  const error = new CloudEventError("id", "is required").atIndex(2);
  assert.equal(error.index, 2);
  assert.equal(error.field, "id");
  assert.equal(error.message, "[2].id: is required");
});
