import assert from "node:assert/strict";
import { ensureTlsMaterial, subjectAltNames } from "./tls_material.ts";
import { kubeconfigYaml, serverHost } from "./kubeconfig.ts";
import YAML from "yaml";

Deno.test("tls material: a CA and a serving certificate naming every host, keys owner-only", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const first = await ensureTlsMaterial(`${dir}/tls`, ["127.0.0.1", "::1", "localhost"]);
    assert.deepEqual(subjectAltNames(first.certPem).sort(), ["127.0.0.1", "::1", "localhost"].sort());
    assert.equal((await Deno.stat(`${dir}/tls/ca.key`)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(`${dir}/tls/tls.key`)).mode! & 0o777, 0o600);
    // Same hosts: nothing is made again.
    const again = await ensureTlsMaterial(`${dir}/tls`, ["localhost", "0:0:0:0:0:0:0:1"]);
    assert.equal(again.certPem, first.certPem);
    // A new host: a new serving certificate from the same CA.
    const more = await ensureTlsMaterial(`${dir}/tls`, ["127.0.0.1", "denative.example"]);
    assert.notEqual(more.certPem, first.certPem);
    assert.equal(more.caPem, first.caPem);
    assert.ok(subjectAltNames(more.certPem).includes("denative.example"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tls material: Deno serves with it and a client trusting only the CA connects", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const tls = await ensureTlsMaterial(dir, ["127.0.0.1", "localhost"]);
    const server = Deno.serve(
      { port: 0, hostname: "127.0.0.1", cert: tls.certPem, key: tls.keyPem, onListen: () => {} },
      () => new Response("hello over tls"),
    );
    const client = Deno.createHttpClient({ caCerts: [tls.caPem] });
    try {
      const res = await fetch(`https://localhost:${server.addr.port}/`, { client });
      assert.equal(await res.text(), "hello over tls");
    } finally {
      client.close();
      await server.shutdown();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kubeconfig: cluster, user and context named denative, CA inline, namespace default", () => {
  const doc = YAML.parse(kubeconfigYaml({ server: "https://127.0.0.1:6443", caPem: "PEM", token: "t0k" }));
  assert.equal(doc["current-context"], "denative");
  assert.equal(doc.clusters[0].cluster.server, "https://127.0.0.1:6443");
  assert.equal(atob(doc.clusters[0].cluster["certificate-authority-data"]), "PEM");
  assert.equal(doc.users[0].user.token, "t0k");
  assert.deepEqual(doc.contexts[0].context, { cluster: "denative", user: "denative", namespace: "default" });
  assert.equal(serverHost("0.0.0.0"), "127.0.0.1");
  assert.equal(serverHost("::1"), "[::1]");
});
