import assert from "node:assert/strict";
import type { Service } from "../resources/service.ts";
import type { Condition } from "../resources/meta.ts";
import { serviceProgress, waitForService } from "./service_wait.ts";

function svc(
  generation: number,
  observed: number,
  ready: Condition["status"],
  extra: Partial<Service["status"]> = {},
) {
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: { name: "hello", namespace: "default", generation },
    spec: { template: { spec: { containers: [{}] } } },
    status: {
      observedGeneration: observed,
      conditions: [{
        type: "Ready",
        status: ready,
        reason: ready === "False" ? "RevisionFailed" : undefined,
        message: "m\nx",
      }],
      latestReadyRevisionName: "hello-00002",
      ...extra,
    },
  } as Service;
}

Deno.test("serviceProgress() waits for the generation and a settled Ready condition", () => {
  assert.equal(serviceProgress(svc(2, 1, "True"), 2).state, "pending");
  assert.equal(serviceProgress(svc(2, 2, "Unknown"), 2).state, "pending");
  assert.deepEqual(serviceProgress(svc(2, 2, "True"), 2), { state: "ready" });
  assert.deepEqual(serviceProgress(svc(2, 2, "False"), 2), {
    state: "failed",
    reason: "RevisionFailed",
    message: "m x",
  });
});

Deno.test("serviceProgress() waits until @latest traffic reaches the latest ready revision", () => {
  const moving = svc(2, 2, "True", {
    traffic: [{ revisionName: "hello-00001", latestRevision: true, percent: 100 }],
  });
  assert.equal(serviceProgress(moving, 2).state, "pending");
  const moved = svc(2, 2, "True", {
    traffic: [{ revisionName: "hello-00002", latestRevision: true, percent: 100 }],
  });
  assert.equal(serviceProgress(moved, 2).state, "ready");
});

Deno.test("waitForService() polls until ready", async () => {
  const seen = [svc(2, 1, "True"), svc(2, 2, "Unknown"), svc(2, 2, "True")];
  let sleeps = 0;
  const { progress } = await waitForService({
    get: () => Promise.resolve(seen.shift()!),
    generation: 2,
    timeoutMs: 10_000,
    sleep: () => {
      sleeps++;
      return Promise.resolve();
    },
  });
  assert.equal(progress.state, "ready");
  assert.equal(sleeps, 2);
});

Deno.test("waitForService() gives up after the timeout saying why", async () => {
  let t = 0;
  await assert.rejects(
    () =>
      waitForService({
        get: () => Promise.resolve(svc(3, 2, "True")),
        generation: 3,
        timeoutMs: 1_000,
        now: () => t,
        sleep: (ms) => {
          t += ms;
          return Promise.resolve();
        },
      }),
    /timed out after 1s waiting for Service 'hello' to be ready \(the platform has not seen generation 3 yet\)/,
  );
});
