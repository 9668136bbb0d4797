/**
 * Run by kube_client_test.ts in its own process (`deno run -A test/kube_client_probe.ts KUBECONFIG
 * IMAGE`): `@kubernetes/client-node` lists, creates and watches Services with an informer. Prints
 * one JSON report line; exits 1 with the reason when a check fails. (In the test runner's process,
 * after other tests spawned kubectl and platforms, Deno 2.9.6 crashed with SIGSEGV inside this
 * client; a process of its own keeps such a crash from taking the whole test run down.)
 */
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";

const SERVICES = { group: "serving.knative.dev", version: "v1", plural: "services" };

interface KService extends k8s.KubernetesObject {
  spec: { template: { spec: { containers: { image: string }[] } } };
  status?: { conditions?: { type: string; status: string }[] };
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function main(kubeconfig: string, image: string) {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  assert.equal(kc.getCurrentContext(), "denative");
  const api = kc.makeApiClient(k8s.CustomObjectsApi);
  const core = kc.makeApiClient(k8s.CoreV1Api);

  const namespaces = (await core.listNamespace()).items.map((n) => n.metadata?.name);
  assert.ok(namespaces.includes("default"), `namespaces: ${namespaces}`);
  const empty = await api.listNamespacedCustomObject({ ...SERVICES, namespace: "default" });
  assert.deepEqual(empty.items, []);

  const adds: string[] = [];
  const updates: string[] = [];
  let failure: unknown;
  const informer = k8s.makeInformer<KService>(
    kc,
    "/apis/serving.knative.dev/v1/namespaces/default/services",
    () => api.listNamespacedCustomObject({ ...SERVICES, namespace: "default" }),
  );
  informer.on("add", (obj) => adds.push(obj.metadata!.name!));
  informer.on("update", (obj) => updates.push(obj.metadata!.name!));
  informer.on("error", (err) => (failure = err));
  await informer.start();
  try {
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
    await until("the informer to see the Service added", () => adds.includes("from-node") || undefined);
    // The reconciler writes status: the informer's cache follows it to Ready.
    await until("the informer's cache to show it Ready", () => {
      const cached = informer.get("from-node", "default");
      return cached?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") || undefined;
    });
    assert.ok(updates.includes("from-node"), "updates reached the informer");
    assert.equal(failure, undefined, `the informer failed: ${failure}`);

    const again = await api.createNamespacedCustomObject({ ...SERVICES, namespace: "default", body: created })
      .then(() => undefined, (err: k8s.ApiException<string>) => err);
    assert.equal(again?.code, 409, "a second create is refused");

    const listed = await api.listNamespacedCustomObject({ ...SERVICES, namespace: "default" });
    const names = listed.items.map((s: KService) => s.metadata!.name);
    assert.deepEqual(names, ["from-node"]);
    console.log(
      JSON.stringify({ namespaces, adds, updates: updates.length, conflict: again?.code, listed: names }),
    );
  } finally {
    await informer.stop();
  }
}

try {
  await main(Deno.args[0], Deno.args[1]);
  Deno.exit(0);
} catch (err) {
  console.error(err instanceof Error ? err.stack ?? err.message : String(err));
  Deno.exit(1);
}
