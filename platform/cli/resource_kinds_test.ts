import assert from "node:assert/strict";
import { kindNamed, kindOf, RESOURCE_KINDS, resourcePath } from "./resource_kinds.ts";

Deno.test("resourcePath() builds Kubernetes-style paths for grouped and core kinds", () => {
  const svc = kindNamed("Service");
  assert.equal(
    resourcePath(svc, "default", "hello"),
    "/apis/serving.knative.dev/v1/namespaces/default/services/hello",
  );
  assert.equal(resourcePath(svc, "default"), "/apis/serving.knative.dev/v1/namespaces/default/services");
  assert.equal(resourcePath(svc), "/apis/serving.knative.dev/v1/services");
  assert.equal(resourcePath(kindNamed("Secret"), "default", "gh"), "/api/v1/namespaces/default/secrets/gh");
});

Deno.test("kindOf() maps every documented apiVersion and kind to its plural", () => {
  const want: [string, string, string][] = [
    ["serving.knative.dev/v1", "Service", "services"],
    ["eventing.knative.dev/v1", "Broker", "brokers"],
    ["eventing.knative.dev/v1", "Trigger", "triggers"],
    ["sources.knative.dev/v1", "PingSource", "pingsources"],
    ["sources.knative.dev/v1", "ApiServerSource", "apiserversources"],
    ["sources.knative.dev/v1", "SinkBinding", "sinkbindings"],
    ["sources.knative.dev/v1", "KafkaSource", "kafkasources"],
    ["sources.knative.dev/v1alpha1", "GitHubSource", "githubsources"],
    ["eventing.knative.dev/v1alpha1", "KafkaSink", "kafkasinks"],
    ["v1", "Secret", "secrets"],
  ];
  for (const [apiVersion, kind, plural] of want) assert.equal(kindOf(apiVersion, kind)?.plural, plural);
  assert.equal(kindOf("serving.knative.dev/v2", "Service"), undefined);
});

Deno.test("the kind table names each apiVersion and kind once, and a kind's versions share a path", () => {
  assert.equal(new Set(RESOURCE_KINDS.map((k) => `${k.apiVersion}/${k.kind}`)).size, RESOURCE_KINDS.length);
  for (const k of RESOURCE_KINDS) {
    assert.equal(RESOURCE_KINDS.filter((o) => o.kind === k.kind && o.plural !== k.plural).length, 0);
  }
});

Deno.test("kindNamed() picks a kind's served version first", () => {
  assert.equal(kindNamed("KafkaSource").apiVersion, "sources.knative.dev/v1");
});
