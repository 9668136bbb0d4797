import assert from "node:assert/strict";
import { buildTable, humanDuration, wantsTable } from "./table.ts";
import { evalJsonPath, parseJsonPath } from "./json_path.ts";
import { kubeKindInfo } from "./kube_kinds.ts";
import type { KObject } from "../../resources/meta.ts";

const svc = {
  apiVersion: "serving.knative.dev/v1",
  kind: "Service",
  metadata: {
    name: "hello",
    namespace: "default",
    creationTimestamp: "2026-01-01T00:00:00Z",
    labels: { "serving.knative.dev/configuration": "hello" },
    annotations: { "eventing.knative.dev/broker.class": "MTChannelBasedBroker" },
  },
  status: {
    url: "http://hello.default.localhost:8080",
    latestCreatedRevisionName: "hello-00002",
    latestReadyRevisionName: "hello-00001",
    conditions: [
      { type: "ConfigurationsReady", status: "False", reason: "RevisionFailed" },
      { type: "Ready", status: "False", reason: "RevisionMissing" },
    ],
  },
} as unknown as KObject;

Deno.test("json path: keys, escaped dots, quoted keys, filters", () => {
  const at = (p: string) => evalJsonPath(svc, parseJsonPath(p));
  assert.deepEqual(at(".status.conditions[?(@.type=='Ready')].reason"), ["RevisionMissing"]);
  assert.deepEqual(at('.status.conditions[?(@.type=="Ready")].status'), ["False"]);
  assert.deepEqual(at(".metadata.labels['serving\\.knative\\.dev/configuration']"), ["hello"]);
  assert.deepEqual(at(".metadata.annotations.eventing\\.knative\\.dev/broker\\.class"), [
    "MTChannelBasedBroker",
  ]);
  assert.deepEqual(at(".status.conditions[0].type"), ["ConfigurationsReady"]);
  assert.deepEqual(at(".status.nothing"), []);
});

Deno.test("table: a Service row has Knative's columns", () => {
  const kind = { group: "serving.knative.dev", version: "v1", plural: "services", kind: "Service" };
  const table = buildTable([svc], {
    columns: kubeKindInfo(kind).columns,
    now: new Date("2026-01-01T00:05:00Z"),
    includeObject: "Metadata",
    resourceVersion: "7",
  });
  assert.deepEqual(table.columnDefinitions.map((c) => c.name), [
    "Name",
    "URL",
    "LatestCreated",
    "LatestReady",
    "Ready",
    "Reason",
  ]);
  assert.deepEqual(table.rows[0].cells, [
    "hello",
    "http://hello.default.localhost:8080",
    "hello-00002",
    "hello-00001",
    "False",
    "RevisionMissing",
  ]);
  assert.equal((table.rows[0].object as { kind: string }).kind, "PartialObjectMetadata");
  assert.equal(table.metadata.resourceVersion, "7");
});

Deno.test("table: a kind without columns gets NAME and AGE; missing values are null", () => {
  const table = buildTable([{ ...svc, status: undefined }], {
    columns: [],
    now: new Date("2026-01-01T03:00:00Z"),
    includeObject: "None",
  });
  assert.deepEqual(table.rows[0].cells, ["hello", "3h"]);
  const none = buildTable([{ ...svc, status: undefined }], {
    columns: [{ name: "URL", type: "string", jsonPath: ".status.url" }],
    now: new Date(),
    includeObject: "None",
  });
  assert.deepEqual(none.rows[0].cells, ["hello", null]);
});

Deno.test("human durations as kubectl prints ages", () => {
  assert.equal(humanDuration(45_000), "45s");
  assert.equal(humanDuration(192_000), "3m12s");
  assert.equal(humanDuration(2 * 3600_000), "120m");
  assert.equal(humanDuration(5 * 3600_000 + 60_000), "5h1m");
  assert.equal(humanDuration(3 * 86400_000), "3d");
  assert.ok(wantsTable("application/json;as=Table;v=v1;g=meta.k8s.io,application/json"));
  assert.ok(!wantsTable("application/json"));
});
