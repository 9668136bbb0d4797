/**
 * A second, independent Kubernetes client: `@kubernetes/client-node` reads the platform's
 * kubeconfig, lists and creates Knative Services, and keeps an informer (list + watch) in step.
 */
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { eventually, EXAMPLES, Platform } from "./harness.ts";

const SERVICES = { group: "serving.knative.dev", version: "v1", plural: "services" };

interface KService extends k8s.KubernetesObject {
  spec: { template: { spec: { containers: { image: string }[] } } };
  status?: { conditions?: { type: string; status: string }[] };
}

Deno.test("@kubernetes/client-node lists, creates and watches Services with an informer", async () => {
  const platform = await Platform.start();
  let informer: (k8s.Informer<KService> & k8s.ObjectCache<KService>) | undefined;
  try {
    const image = await platform.uploadBundle(`${EXAMPLES}/hello`);
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(platform.kubeconfig);
    assert.equal(kc.getCurrentContext(), "denative");
    const api = kc.makeApiClient(k8s.CustomObjectsApi);
    const core = kc.makeApiClient(k8s.CoreV1Api);

    const namespaces = await core.listNamespace();
    assert.ok(namespaces.items.some((n) => n.metadata?.name === "default"));

    const empty = await api.listNamespacedCustomObject({ ...SERVICES, namespace: "default" });
    assert.deepEqual(empty.items, []);

    const adds: string[] = [];
    const updates: string[] = [];
    informer = k8s.makeInformer<KService>(
      kc,
      "/apis/serving.knative.dev/v1/namespaces/default/services",
      () => api.listNamespacedCustomObject({ ...SERVICES, namespace: "default" }),
    );
    informer.on("add", (obj) => adds.push(obj.metadata!.name!));
    informer.on("update", (obj) => updates.push(obj.metadata!.name!));
    let failure: unknown;
    informer.on("error", (err) => (failure = err));
    await informer.start();

    const created = await api.createNamespacedCustomObject({
      ...SERVICES,
      namespace: "default",
      body: {
        apiVersion: "serving.knative.dev/v1",
        kind: "Service",
        metadata: { name: "from-node" },
        spec: { template: { spec: { containers: [{ image }] } } },
      },
    });
    assert.equal(created.metadata.name, "from-node");

    await eventually(
      "the informer sees the Service added",
      () => Promise.resolve(adds.includes("from-node") || undefined),
    );
    // The reconciler writes status: the informer's cache follows to Ready.
    await eventually("the informer's cache shows it Ready", () => {
      const cached = informer!.get("from-node", "default");
      return Promise.resolve(
        cached?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") || undefined,
      );
    }, 60_000);
    assert.ok(updates.includes("from-node"));
    assert.equal(failure, undefined, `the informer failed: ${failure}`);

    const again = await api.createNamespacedCustomObject({
      ...SERVICES,
      namespace: "default",
      body: created,
    }).then(() => undefined, (err: k8s.ApiException<string>) => err);
    assert.equal(again?.code, 409);

    const listed = await api.listNamespacedCustomObject({ ...SERVICES, namespace: "default" });
    assert.deepEqual(listed.items.map((s: KService) => s.metadata!.name), ["from-node"]);
  } finally {
    await informer?.stop();
    await platform.stop();
  }
});
