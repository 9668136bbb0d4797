// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { z } from "zod";
import { openApiViewOf, viewedAs } from "./openapi_view.ts";
import { kindSchema } from "../api/k8s/openapi.ts";
import type { KindInfo } from "./kinds.ts";

const Shape = z.strictObject({ retry: z.int().optional().describe("How many retries.") }).describe("shape");

Deno.test("viewedAs() takes any value at parse time; its checker runs later", () => {
  const field = viewedAs(Shape);
  assert.equal(field.parse("not an object"), "not an object");
  assert.equal(openApiViewOf(field), Shape);
  assert.equal(openApiViewOf(z.unknown()), undefined);
});

Deno.test("viewedAs() fields appear in the OpenAPI with the shape, under their own description", () => {
  const kind: KindInfo = {
    group: "example.dev",
    version: "v1",
    plural: "things",
    kind: "Thing",
    schema: z.looseObject({
      spec: z.looseObject({ delivery: viewedAs(Shape).optional().describe("Delivery settings.") }),
    }),
  };
  const delivery = (kindSchema(kind) as any).properties.spec.properties.delivery;
  assert.equal(delivery.description, "Delivery settings.");
  assert.equal(delivery.type, "object");
  assert.equal(delivery.properties.retry.type, "integer");
  assert.equal(delivery.properties.retry.description, "How many retries.");
  // A strict shape is closed: strict field validation refuses its unknown keys.
  assert.equal(delivery["x-kubernetes-preserve-unknown-fields"], undefined);
});
