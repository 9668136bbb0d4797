import assert from "node:assert/strict";
import type { Service } from "../resources/service.ts";
import { hasServiceUpdate, type ServiceUpdate, updatedService } from "./service_update.ts";

const base: Service = {
  apiVersion: "serving.knative.dev/v1",
  kind: "Service",
  metadata: { name: "hello", namespace: "default", generation: 2 },
  spec: {
    template: {
      metadata: { name: "hello-v1", annotations: { "autoscaling.knative.dev/max-scale": "3" } },
      spec: { containers: [{ image: "bundle:sha256:x", env: [{ name: "A", value: "1" }] }] },
    },
  },
  status: { observedGeneration: 2 },
};
const nothing: ServiceUpdate = { traffic: { traffic: [], tags: [], untags: [] }, annotations: [], env: [] };

Deno.test("updatedService() edits annotations, env and concurrency on the template", () => {
  const { service, templateChanged } = updatedService(base, {
    ...nothing,
    annotations: ["autoscaling.knative.dev/max-scale-", "autoscaling.knative.dev/target=5"],
    env: ["A=2", "B=x"],
    concurrencyLimit: "10",
  });
  assert.equal(templateChanged, true);
  assert.deepEqual(service.spec.template.metadata, {
    annotations: { "autoscaling.knative.dev/target": "5" },
  });
  assert.deepEqual(service.spec.template.spec.containers[0].env, [{ name: "A", value: "2" }, {
    name: "B",
    value: "x",
  }]);
  assert.equal(service.spec.template.spec.containerConcurrency, 10);
  assert.equal(service.status, undefined);
  assert.equal(base.spec.template.spec.containerConcurrency, undefined, "the input is not changed");
});

Deno.test("updatedService() changes only traffic for traffic flags, keeping the template's name", () => {
  const { service, templateChanged } = updatedService(base, {
    ...nothing,
    traffic: { traffic: ["hello-v1=100"], tags: [], untags: [] },
  });
  assert.equal(templateChanged, false);
  assert.equal(service.spec.template.metadata?.name, "hello-v1");
  assert.deepEqual(service.spec.traffic, [{ revisionName: "hello-v1", latestRevision: false, percent: 100 }]);
});

Deno.test("updatedService() removes the last env var and refuses a bad concurrency limit", () => {
  assert.equal(
    updatedService(base, { ...nothing, env: ["A-"] }).service.spec.template.spec.containers[0].env,
    undefined,
  );
  assert.throws(() => updatedService(base, { ...nothing, concurrencyLimit: "-1" }), /from 0 to 1000/);
});

Deno.test("hasServiceUpdate() is false when no flag asks for a change", () => {
  assert.equal(hasServiceUpdate(nothing), false);
  assert.equal(hasServiceUpdate({ ...nothing, concurrencyLimit: "0" }), true);
});
