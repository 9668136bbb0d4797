/**
 * The OpenAPI Denative serves (derived from its zod schemas) against Knative's own CRD schemas
 * (the knative-crds suite, read at run time): every field Denative declares is one Knative declares
 * (or sits under a node where Knative keeps unknown fields), with the same type, and where both
 * list allowed values the lists agree.
 */
import assert from "node:assert/strict";
import YAML from "yaml";
import { conformanceSuite } from "./conformance.ts";
import { Platform } from "./harness.ts";
import type { JsonSchema } from "../platform/api/k8s/openapi.ts";

const crds = conformanceSuite("knative-crds");
const PRESERVE = "x-kubernetes-preserve-unknown-fields";

function compare(ours: JsonSchema, theirs: JsonSchema, path: string, problems: string[]) {
  if (ours.type && theirs.type && ours.type !== theirs.type) {
    problems.push(`${path}: Denative says ${ours.type}, Knative says ${theirs.type}`);
    return;
  }
  if (Array.isArray(ours.enum) && Array.isArray(theirs.enum)) {
    const [a, b] = [[...ours.enum].sort(), [...theirs.enum].sort()];
    if (JSON.stringify(a) !== JSON.stringify(b)) problems.push(`${path}: enum ${a} against Knative's ${b}`);
  }
  const props = (ours.properties ?? {}) as Record<string, JsonSchema>;
  const theirProps = (theirs.properties ?? {}) as Record<string, JsonSchema>;
  for (const [key, schema] of Object.entries(props)) {
    const at = path ? `${path}.${key}` : key;
    if (theirProps[key]) compare(schema, theirProps[key], at, problems);
    else if (!theirs[PRESERVE]) problems.push(`${at}: not in Knative's schema`);
  }
  if (ours.items && theirs.items) {
    compare(ours.items as JsonSchema, theirs.items as JsonSchema, `${path}[]`, problems);
  }
  if (typeof ours.additionalProperties === "object" && typeof theirs.additionalProperties === "object") {
    compare(
      ours.additionalProperties as JsonSchema,
      theirs.additionalProperties as JsonSchema,
      `${path}{}`,
      problems,
    );
  }
}

crds.test("openapi: the schemas the platform serves agree with Knative's CRD schemas (names, types, enums)", async () => {
  const platform = await Platform.start();
  try {
    const index = await platform.adminJson<{ paths: Record<string, { serverRelativeURL: string }> }>(
      "/openapi/v3",
    );
    const crdFiles = new Set(crds.files(".yaml"));
    const compared: string[] = [];
    for (const [gv, { serverRelativeURL }] of Object.entries(index.paths)) {
      if (!gv.startsWith("apis/")) continue; // the core kinds have no Knative CRD
      const resources = await platform.adminJson<{ resources: { name: string; kind: string }[] }>(`/${gv}`);
      const doc = await platform.adminJson<{ components: { schemas: Record<string, JsonSchema> } }>(
        serverRelativeURL,
      );
      for (const schema of Object.values(doc.components.schemas)) {
        const [gvk] = (schema["x-kubernetes-group-version-kind"] ?? []) as {
          group: string;
          kind: string;
          version: string;
        }[];
        const plural = resources.resources.find((r) => r.kind === gvk?.kind && !r.name.includes("/"))?.name;
        if (!plural || !crdFiles.has(`${plural}.${gvk.group}.yaml`)) continue;
        const crd = YAML.parse(crds.readText(`${plural}.${gvk.group}.yaml`));
        const version = crd.spec.versions.find((v: { name: string }) => v.name === gvk.version);
        if (!version) continue; // a version Knative no longer serves
        // apiVersion, kind and metadata are implicit in every CRD (eventing's do not declare them);
        // status is the reconcilers'.
        const { apiVersion: _a, kind: _k, metadata: _m, status: _s, ...props } = schema.properties as Record<
          string,
          JsonSchema
        >;
        const problems: string[] = [];
        compare({ ...schema, properties: props }, version.schema.openAPIV3Schema, "", problems);
        assert.deepEqual(problems, [], `${gvk.kind}: ${problems.join("\n")}`);
        compared.push(gvk.kind);
      }
    }
    // Every kind Denative serves with a schema and Knative ships a CRD for was compared.
    for (
      const kind of [
        "Service",
        "Broker",
        "Trigger",
        "PingSource",
        "ApiServerSource",
        "SinkBinding",
        "GitHubSource",
        "KafkaSource",
        "KafkaSink",
        "Channel",
        "InMemoryChannel",
        "Subscription",
        "Sequence",
        "Parallel",
      ]
    ) assert.ok(compared.includes(kind), `${kind} not compared: ${compared}`);
  } finally {
    await platform.stop();
  }
});

crds.test("openapi: a field Knative does not have would be caught", () => {
  const crd = YAML.parse(crds.readText("services.serving.knative.dev.yaml"));
  const theirs = crd.spec.versions[0].schema.openAPIV3Schema as JsonSchema;
  const problems: string[] = [];
  compare(
    {
      type: "object",
      properties: {
        spec: { type: "object", properties: { trafic: { type: "array" }, template: { type: "string" } } },
      },
    },
    theirs,
    "",
    problems,
  );
  assert.deepEqual(problems, [
    "spec.trafic: not in Knative's schema",
    "spec.template: Denative says string, Knative says object",
  ]);
});
