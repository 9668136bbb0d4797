import assert from "node:assert/strict";
import { z } from "zod";
import { openApiViewOf, viewedAs } from "./openapi_view.ts";

const Shape = z.strictObject({ retry: z.int().optional().describe("How many retries.") }).describe("shape");

Deno.test("viewedAs() takes any value at parse time; its checker runs later", () => {
  const field = viewedAs(Shape);
  assert.equal(field.parse("not an object"), "not an object");
  assert.equal(openApiViewOf(field), Shape);
  assert.equal(openApiViewOf(z.unknown()), undefined);
});
