import { deepStrictEqual as assertEquals, equal, ok as assert } from "node:assert/strict";
import {
  cleanDocument,
  type Doc,
  exportService,
  scheduleScaledObject,
  secretReference,
} from "./export_documents.ts";

interface Svc {
  spec: {
    template: {
      metadata?: { name?: string };
      spec: { containerConcurrency?: number; containers: { image?: string; env?: unknown[] }[] };
    };
    traffic?: unknown[];
  };
}
interface Scaled {
  spec: { scaleTargetRef: { name: string }; triggers: { metadata: Record<string, string> }[] };
}

function service(extra: { annotations?: Record<string, string>; env?: unknown[]; traffic?: unknown[] } = {}) {
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: {
      name: "hello",
      namespace: "default",
      uid: "u-1",
      resourceVersion: "42",
      generation: 3,
      creationTimestamp: "2026-01-01T00:00:00Z",
      annotations: { ...(extra.env ? { "denative.dev/sinkbinding": "bind" } : {}) },
    },
    spec: {
      template: {
        metadata: { name: "hello-pinned", annotations: extra.annotations ?? {} },
        spec: {
          containerConcurrency: 2,
          containers: [{ image: "bundle:sha256:" + "a".repeat(64), env: extra.env }],
        },
      },
      ...(extra.traffic ? { traffic: extra.traffic } : {}),
    },
    status: { url: "http://hello.default.localhost:8080" },
  } as unknown as Doc;
}

Deno.test("server-set metadata and status are left out", () => {
  const doc = cleanDocument(service());
  equal("status" in doc, false);
  assertEquals(Object.keys(doc.metadata).sort(), ["name", "namespace"]);
});

Deno.test("an exported Service runs its image, keeps Knative's settings and drops Denative's history", () => {
  const { doc, notes } = exportService(service(), "registry.example.com/hello");
  const spec = (doc as unknown as Svc).spec;
  equal(spec.template.spec.containers[0].image, "registry.example.com/hello");
  equal(spec.template.spec.containerConcurrency, 2);
  equal(spec.template.metadata?.name, undefined);
  assertEquals(notes, []);
});

Deno.test("a SinkBinding's variables are left for the cluster's SinkBinding, with a note", () => {
  const env = [{ name: "A", value: "1" }, { name: "K_SINK", value: "http://127.0.0.1:8080/x" }];
  const { doc, notes } = exportService(service({ env }), "r/hello");
  const container = (doc as unknown as Svc).spec.template.spec.containers[0];
  assertEquals(container.env, [{ name: "A", value: "1" }]);
  equal(doc.metadata.annotations, undefined);
  assert(notes[0].includes("SinkBinding bind"));
});

Deno.test("a split over named revisions becomes 100% latest (their code is not exported), tags kept", () => {
  const traffic = [
    { revisionName: "hello-00001", percent: 80 },
    { latestRevision: true, percent: 20, tag: "next" },
  ];
  const { doc, notes } = exportService(service({ traffic }), "r/hello");
  assertEquals((doc as unknown as { spec: { traffic: unknown[] } }).spec.traffic, [
    { latestRevision: true, percent: 100 },
    { latestRevision: true, percent: 0, tag: "next" },
  ]);
  assert(notes[0].includes("hello-00001=80%"));
});

Deno.test("scheduled floors become KEDA cron triggers on the first revision's Deployment", () => {
  const schedule = JSON.stringify([
    { start: "0 9 * * 1-5", end: "0 18 * * 1-5", minScale: 3, timezone: "Asia/Shanghai" },
    { start: "30 0 12 * * *", end: "0 0 13 * * *", minScale: 1 },
  ]);
  const svc = service({ annotations: { "autoscaling.denative.dev/schedule": schedule } });
  const scaled = scheduleScaledObject(svc)!;
  const spec = (scaled.doc as unknown as Scaled).spec;
  equal(scaled.doc.kind, "ScaledObject");
  equal(spec.scaleTargetRef.name, "hello-00001-deployment");
  assertEquals(spec.triggers[0].metadata, {
    timezone: "Asia/Shanghai",
    start: "0 9 * * 1-5",
    end: "0 18 * * 1-5",
    desiredReplicas: "3",
  });
  equal(spec.triggers[1].metadata.start, "0 12 * * *");
  assert(scaled.notes.some((n) => n.includes("seconds field is dropped")));
  assert(exportService(svc, "r/hello").notes.some((n) => n.includes("hello-schedule")));
  equal(scheduleScaledObject(service()), undefined);
});

Deno.test("a Secret is exported as its name and keys only", () => {
  const secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "gh", namespace: "ci" },
    data: { token: "c2VjcmV0", user: "bWU=" },
  } as Doc;
  assertEquals(secretReference(secret), { namespace: "ci", name: "gh", keys: ["token", "user"] });
});
