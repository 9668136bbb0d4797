/**
 * A second, independent Kubernetes client: `@kubernetes/client-node` reads the platform's
 * kubeconfig, lists and creates Knative Services, and keeps an informer (list + watch) in step.
 * The client runs in a process of its own (kube_client_probe.ts; see there why).
 */
import assert from "node:assert/strict";
import { EXAMPLES, Platform } from "./harness.ts";

const PROBE = new URL("./kube_client_probe.ts", import.meta.url).pathname;

Deno.test("@kubernetes/client-node lists, creates and watches Services with an informer", async () => {
  const platform = await Platform.start();
  try {
    const image = await platform.uploadBundle(`${EXAMPLES}/hello`);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", PROBE, platform.kubeconfig, image],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, `the client-node probe failed (${out.code}):\n${stderr}\n${stdout}`);
    const report = JSON.parse(stdout.trim().split("\n").at(-1)!);
    assert.deepEqual(report.listed, ["from-node"]);
    assert.ok(report.adds.includes("from-node"));
    assert.equal(report.conflict, 409);
    // The platform saw the Service the client created and made it Ready.
    const svc = await platform.service("from-node");
    assert.equal(svc.status?.conditions?.find((c) => c.type === "Ready")?.status, "True");
  } finally {
    await platform.stop();
  }
});
