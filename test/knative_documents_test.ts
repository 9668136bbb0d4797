/**
 * Real Knative documents, as Knative publishes them (../shared/conformance/knative-yaml/): Denative
 * accepts each one Knative accepts and refuses the ones Knative refuses, naming the field.
 */
import assert from "node:assert/strict";
import YAML from "yaml";
import { Platform } from "./harness.ts";
import { kindOf, resourcePath } from "../platform/cli/resource_kinds.ts";
import { conformanceSuite } from "./conformance.ts";

const DOCUMENTS = conformanceSuite("knative-yaml");

/** Knative refuses these; the value is the field the refusal must name. */
const REFUSED: Record<string, string> = {
  "service-container-concurrency-no-containers.yaml": "spec.template.spec.containers",
  "trigger-rejected-exact-and-suffix-in-one-filter.yaml": "spec.filters[0]",
};

/** Documents that name a revision another document creates go after it (as the docs apply them). */
function order(files: string[]): string[] {
  const later = ["service-traffic-split.yaml", "service-tag-header-traffic-tag.yaml"];
  return [...files.filter((f) => !later.includes(f)), ...later.filter((f) => files.includes(f))];
}

DOCUMENTS.test("knative documents: accepted as they are, refused where Knative refuses", async () => {
  const files = order(DOCUMENTS.files(".yaml"));
  assert.ok(files.length >= 35, `expected the 35 published documents, found ${files.length}`);
  const platform = await Platform.start();
  try {
    for (const file of files) {
      const text = DOCUMENTS.readText(file);
      const doc = YAML.parse(text);
      const kind = kindOf(doc.apiVersion, doc.kind);
      assert.ok(kind, `${file}: no kind ${doc.apiVersion} ${doc.kind}`);
      const path = resourcePath(kind, doc.metadata.namespace ?? "default", doc.metadata.name);
      const res = await platform.admin(path, {
        method: "PUT",
        body: text,
        headers: { "content-type": "application/yaml" },
      });
      const body = await res.json();
      if (REFUSED[file]) {
        assert.equal(res.status, 422, `${file} should be refused: ${JSON.stringify(body)}`);
        const fields = body.details.causes.map((c: { field: string }) => c.field);
        assert.ok(fields.includes(REFUSED[file]), `${file}: refusal names ${fields}, not ${REFUSED[file]}`);
      } else {
        assert.ok(
          res.status === 200 || res.status === 201,
          `${file} refused: ${res.status} ${JSON.stringify(body)}`,
        );
      }
    }
    // A Service naming a container image is stored, and its revision says why it cannot run.
    const svc = await platform.settled("hello");
    const rev = await platform.adminJson<{ status: { conditions: { type: string; reason?: string }[] } }>(
      `/apis/serving.knative.dev/v1/namespaces/default/revisions/${svc.status?.latestCreatedRevisionName}`,
    );
    assert.equal(rev.status.conditions.find((c) => c.type === "Ready")?.reason, "ContainerImageNotSupported");
  } finally {
    await platform.stop();
  }
});
