import assert from "node:assert/strict";
import { contentModeOf } from "./content_mode.ts";

Deno.test("the CloudEvents JSON media types select structured and batched mode, in any case", () => {
  assert.deepEqual(contentModeOf("application/cloudevents+json"), { mode: "structured" });
  assert.deepEqual(contentModeOf("Application/CloudEvents+JSON; charset=utf-8"), { mode: "structured" });
  assert.deepEqual(contentModeOf("application/cloudevents-batch+json"), { mode: "batch" });
});

Deno.test("any other or no content type selects binary mode", () => {
  assert.deepEqual(contentModeOf("application/json"), { mode: "binary" });
  assert.deepEqual(contentModeOf(undefined), { mode: "binary" });
  assert.deepEqual(contentModeOf("text/plain"), { mode: "binary" });
});

Deno.test("a CloudEvents format other than JSON is reported as unsupported", () => {
  assert.deepEqual(contentModeOf("application/cloudevents+avro"), {
    mode: "unsupported",
    format: "application/cloudevents+avro",
  });
});
