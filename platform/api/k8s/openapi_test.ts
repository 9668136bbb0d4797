// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { kindSchema, OpenApi, schemaName, unknownFieldsIn } from "./openapi.ts";
import { KindRegistry } from "../../resources/kinds.ts";
import { servingKinds } from "../../resources/serving_registry.ts";
import { secretKind } from "../../resources/secret_kind.ts";
import type { KindInfo } from "../../resources/kinds.ts";
import { viewedAs } from "../../resources/openapi_view.ts";
import { z } from "zod";

const service = servingKinds()[0];

Deno.test("openapi: the Service schema comes from zod, with Knative's shape", () => {
  const schema = kindSchema(service) as any;
  assert.deepEqual(schema["x-kubernetes-group-version-kind"], [{
    group: "serving.knative.dev",
    kind: "Service",
    version: "v1",
  }]);
  const spec = schema.properties.spec;
  assert.deepEqual(spec.required, ["template"]);
  assert.equal(spec.properties.traffic.items.properties.percent.type, "integer");
  assert.equal(spec.properties.traffic.items.properties.percent.maximum, 100);
  assert.equal(spec.properties.template.properties.spec.properties.containerConcurrency.type, "integer");
  // Loose objects keep unknown keys; ServiceSpec is closed as Knative's is.
  assert.equal(spec["x-kubernetes-preserve-unknown-fields"], undefined);
  assert.equal(spec.properties.template.properties.spec["x-kubernetes-preserve-unknown-fields"], true);
  assert.equal(schemaName(service), "dev.knative.serving.v1.Service");
});

Deno.test("openapi: unknown fields are found outside preserve-unknown-fields nodes only", () => {
  const schema = kindSchema(service);
  const doc = {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    spec: {
      trafic: [],
      traffic: [{ percent: 100, latestRevision: true, weight: 1 }],
      template: { spec: { containers: [{ image: "x", ports: [{ containerPort: 8080 }] }] } },
    },
    extra: 1,
  };
  assert.deepEqual(unknownFieldsIn(schema, doc).sort(), ["extra", "spec.traffic[0].weight", "spec.trafic"]);
  // Map values are checked against the map's value schema, not as unknown keys.
  const secret = kindSchema(secretKind());
  assert.deepEqual(unknownFieldsIn(secret, { data: { any: "dg==" }, stringData: { k: "v" } }), []);
});

Deno.test("openapi: an index of group-versions and documents with paths kubectl reads", () => {
  const kinds = new KindRegistry();
  kinds.register(...servingKinds(), secretKind());
  const api = new OpenApi(kinds);
  assert.deepEqual(Object.keys(api.index().paths), ["api/v1", "apis/serving.knative.dev/v1"]);
  const doc = api.document("apis/serving.knative.dev/v1") as any;
  const patch = doc.paths["/apis/serving.knative.dev/v1/namespaces/{namespace}/services/{name}"].patch;
  assert.deepEqual(patch["x-kubernetes-group-version-kind"], {
    group: "serving.knative.dev",
    version: "v1",
    kind: "Service",
  });
  assert.ok(patch.parameters.some((p: { name: string }) => p.name === "fieldValidation"));
  // kubectl would build strategic merge patches if this were offered for a custom resource.
  assert.equal(patch.requestBody.content["application/strategic-merge-patch+json"], undefined);
  assert.ok(doc.components.schemas["dev.knative.serving.v1.Service"]);
  // Derived kinds are read-only: no writes in their paths.
  assert.equal(doc.paths["/apis/serving.knative.dev/v1/namespaces/{namespace}/routes/{name}"].put, undefined);
  assert.equal(api.document("apis/nope/v1"), undefined);
});

Deno.test("openapi: a Swagger 2.0 document for older clients holds the same schemas", () => {
  const kinds = new KindRegistry();
  kinds.register(...servingKinds(), secretKind());
  const v2 = new OpenApi(kinds).swagger() as any;
  assert.equal(v2.swagger, "2.0");
  const svc = v2.definitions["dev.knative.serving.v1.Service"];
  assert.deepEqual(svc["x-kubernetes-group-version-kind"], [{
    group: "serving.knative.dev",
    kind: "Service",
    version: "v1",
  }]);
  assert.equal(svc.properties.spec.properties.traffic.items.properties.percent.type, "integer");
  assert.equal(
    v2.definitions["dev.knative.serving.v1.ServiceList"].properties.items.items.$ref,
    "#/definitions/dev.knative.serving.v1.Service",
  );
  assert.ok(v2.definitions["io.k8s.api.core.v1.Secret"]);
});

const Shape = z.strictObject({ retry: z.int().optional().describe("How many retries.") });

Deno.test("openapi: viewedAs() fields appear in the OpenAPI with the shape, under their own description", () => {
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
