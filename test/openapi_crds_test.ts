/**
 * The OpenAPI Denative serves (derived from its zod schemas) against Knative's own CRD schemas
 * (the knative-crds suite, read at run time): every field Denative declares is one Knative declares
 * (or sits under a node where Knative keeps unknown fields), with the same type, and where both
 * list allowed values the lists agree.
 */
import assert from "node:assert/strict";
import YAML from "yaml";
import { conformanceSuite } from "./conformance.ts";
import { type JsonSchema, kindSchema } from "../platform/api/k8s/openapi.ts";
import { servingKinds } from "../platform/resources/serving_registry.ts";
import { secretKind } from "../platform/resources/secret_kind.ts";
import { configMapKind, namespaceKind } from "../platform/resources/core_kinds.ts";
import type { KindInfo } from "../platform/resources/kinds.ts";

const crds = conformanceSuite("knative-crds");
const PRESERVE = "x-kubernetes-preserve-unknown-fields";

/** Every kind the platform declares a schema for, outside the eventing areas' own registries. */
const KINDS: KindInfo[] = [...servingKinds(), secretKind(), namespaceKind(), configMapKind()];

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

crds.test("openapi: Denative's schemas agree with Knative's CRD schemas (names, types, enums)", () => {
  let compared = 0;
  for (const kind of KINDS.filter((k) => k.schema)) {
    const file = `${kind.plural}.${kind.group}.yaml`;
    if (!crds.files(".yaml").includes(file)) continue;
    const crd = YAML.parse(crds.readText(file));
    const version = crd.spec.versions.find((v: { name: string }) => v.name === kind.version);
    assert.ok(version, `${file} has no version ${kind.version}`);
    const theirs = version.schema.openAPIV3Schema as JsonSchema;
    const ours = kindSchema(kind);
    const { metadata: _m, status: _s, ...props } = ours.properties as Record<string, JsonSchema>;
    const problems: string[] = [];
    compare({ ...ours, properties: props }, theirs, "", problems);
    assert.deepEqual(problems, [], `${kind.kind}: ${problems.join("\n")}`);
    compared++;
  }
  assert.ok(compared >= 1, "no kind with a schema has a Knative CRD to compare with");
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
