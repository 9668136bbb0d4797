import assert from "node:assert/strict";
import {
  aggregatedDiscovery,
  apiGroupList,
  apiResourceList,
  compareVersions,
  verbsOf,
  wantsAggregated,
} from "./discovery.ts";
import type { KindInfo } from "../../resources/kinds.ts";

const kinds: KindInfo[] = [
  { group: "serving.knative.dev", version: "v1", plural: "services", kind: "Service" },
  { group: "serving.knative.dev", version: "v1", plural: "routes", kind: "Route", readOnly: true },
  { group: "sources.knative.dev", version: "v1beta1", plural: "kafkasources", kind: "KafkaSource" },
  { group: "sources.knative.dev", version: "v1", plural: "pingsources", kind: "PingSource" },
  { group: "", version: "v1", plural: "namespaces", kind: "Namespace", clusterScoped: true },
];

Deno.test("discovery: versions in Kubernetes order, v1 preferred", () => {
  assert.deepEqual(["v1alpha1", "v1beta1", "v2", "v1"].sort(compareVersions), [
    "v2",
    "v1",
    "v1beta1",
    "v1alpha1",
  ]);
  const sources = apiGroupList(kinds).groups.find((g) => g.name === "sources.knative.dev")!;
  assert.equal(sources.preferredVersion.version, "v1");
  assert.deepEqual(sources.versions.map((v) => v.version), ["v1", "v1beta1"]);
  assert.ok(!apiGroupList(kinds).groups.some((g) => g.name === ""));
});

Deno.test("discovery: resource lists carry Knative's short names, categories and the status subresource", () => {
  const list = apiResourceList(kinds, "serving.knative.dev", "v1")!;
  const svc = list.resources.find((r) => r.name === "services")!;
  assert.deepEqual(svc.shortNames, ["kservice", "ksvc"]);
  assert.deepEqual(svc.categories, ["all", "knative", "serving"]);
  assert.equal(svc.namespaced, true);
  assert.ok(list.resources.some((r) => r.name === "services/status"));
  assert.deepEqual(list.resources.find((r) => r.name === "routes")!.verbs, ["get", "list", "watch"]);
  assert.equal(apiResourceList(kinds, "nope", "v1"), undefined);
  assert.ok(verbsOf(kinds[0]).includes("patch"));
});

Deno.test("discovery: aggregated lists, core and groups apart", () => {
  const core = aggregatedDiscovery(kinds, true);
  assert.deepEqual(core.items.map((i) => i.metadata.name), [""]);
  assert.equal(core.items[0].versions[0].resources[0].scope, "Cluster");
  const groups = aggregatedDiscovery(kinds, false);
  assert.deepEqual(groups.items.map((i) => i.metadata.name), ["serving.knative.dev", "sources.knative.dev"]);
  assert.ok(
    wantsAggregated("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"),
  );
  assert.ok(!wantsAggregated("application/json"));
});
