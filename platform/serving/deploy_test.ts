import assert from "node:assert/strict";
import { deployedService } from "./deploy.ts";
import type { Service } from "../resources/service.ts";

const digest = "a".repeat(64);

Deno.test("deployedService() makes a default Service for a bare directory", () => {
  const svc = deployedService({ name: "hello", namespace: "default", digest });
  assert.equal(svc.kind, "Service");
  assert.equal(svc.metadata.name, "hello");
  assert.equal(svc.spec.template.spec.containers[0].image, `bundle:sha256:${digest}`);
});

Deno.test("deployedService() fills the image into service.yaml and keeps its settings", () => {
  const svc = deployedService({
    name: "hello",
    namespace: "default",
    digest,
    serviceYaml: {
      apiVersion: "serving.knative.dev/v1",
      kind: "Service",
      metadata: { name: "ignored" },
      spec: { template: { spec: { containerConcurrency: 1 } } },
    },
  });
  assert.equal(svc.metadata.name, "hello");
  assert.equal(svc.spec.template.spec.containerConcurrency, 1);
  assert.equal(svc.spec.template.spec.containers[0].image, `bundle:sha256:${digest}`);
});

Deno.test("deployedService() keeps an existing Service's traffic on a code-only redeploy", () => {
  const existing: Service = {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: { name: "hello", namespace: "default" },
    spec: {
      template: { spec: { containers: [{ image: "bundle:sha256:" + "b".repeat(64) }] } },
      traffic: [{ revisionName: "hello-00001", percent: 100 }],
    },
  };
  const svc = deployedService({ name: "hello", namespace: "default", digest, existing });
  assert.deepEqual(svc.spec.traffic, [{ revisionName: "hello-00001", percent: 100 }]);
  assert.equal(svc.spec.template.spec.containers[0].image, `bundle:sha256:${digest}`);
});
