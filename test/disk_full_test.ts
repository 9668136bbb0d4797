/**
 * The state directory's disk fills up (a 16 MiB tmpfs, mounted when the test runs as root): admin
 * writes get 507 and broker events 503, each with a clear message; nothing stored before is damaged,
 * and once space returns both work again and the refused events can be sent anew.
 */
import assert from "node:assert/strict";
import { Platform } from "./harness.ts";
import { Sink, until } from "./event_sink.ts";

function tryMount(dir: string): string | undefined {
  if (Deno.uid() !== 0) return "not root: cannot mount a tmpfs";
  const out = new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", "size=16m", "tmpfs", dir],
    stderr: "piped",
  })
    .outputSync();
  return out.success ? undefined : `mount failed: ${new TextDecoder().decode(out.stderr).trim()}`;
}

const dir = Deno.makeTempDirSync({ prefix: "denative-diskfull-" });
const cannot = tryMount(dir);
if (cannot) Deno.removeSync(dir, { recursive: true });

Deno.test({
  name: "a full state disk refuses writes with 507/503, keeps what was stored, and recovers",
  ignore: cannot !== undefined,
  async fn() {
    const sink = new Sink();
    let platform: Platform | undefined;
    try {
      platform = await Platform.start({
        state: dir,
        env: { DENATIVE_KAFKA_BOOTSTRAP_SERVERS: "127.0.0.1:1" },
      });
      const p = platform;
      const put = (path: string, doc: unknown) =>
        p.admin(path, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(doc),
        });
      const configMap = (name: string) =>
        put(`/api/v1/namespaces/default/configmaps/${name}`, {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name },
          data: { text: "x".repeat(2000) },
        });
      const post = (id: string) =>
        fetch(`http://127.0.0.1:${p.port}/broker/default/b`, {
          method: "POST",
          headers: {
            "ce-specversion": "1.0",
            "ce-id": id,
            "ce-source": "/disk",
            "ce-type": "t",
            "content-type": "text/plain",
          },
          body: "y".repeat(20_000),
        });
      assert.equal((await configMap("before")).status, 201);
      const eventing = "/apis/eventing.knative.dev/v1/namespaces/default";
      assert.ok(
        (await put(`${eventing}/brokers/b`, {
          apiVersion: "eventing.knative.dev/v1",
          kind: "Broker",
          metadata: { name: "b" },
        })).ok,
      );
      assert.ok(
        (await put(`${eventing}/triggers/t`, {
          apiVersion: "eventing.knative.dev/v1",
          kind: "Trigger",
          metadata: { name: "t" },
          spec: { broker: "b", subscriber: { uri: sink.url("/disk") } },
        })).ok,
      );
      await until("the broker takes events", () => true);
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal((await post("first")).status, 202);

      new Deno.Command("dd", { args: ["if=/dev/zero", `of=${dir}/filler`, "bs=64k"], stderr: "null" })
        .outputSync();
      const refused = await configMap("during");
      const refusal = await refused.json();
      assert.equal(refused.status, 507, JSON.stringify(refusal));
      assert.match(refusal.message, /disk is full/);
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await post(`full-${i}`);
        statuses.push(res.status);
        const text = await res.text();
        if (res.status !== 202) assert.match(text, /could not be stored/);
      }
      assert.ok(statuses.includes(503), `events on a full disk: ${statuses}`);
      assert.equal((await fetch(`http://127.0.0.1:${p.adminPort}/healthz`)).status, 200);

      Deno.removeSync(`${dir}/filler`);
      assert.equal((await configMap("after")).status, 201);
      const kept = await p.adminJson<{ data: { text: string } }>(
        "/api/v1/namespaces/default/configmaps/before",
      );
      assert.equal(kept.data.text.length, 2000);
      const missing = await p.admin("/api/v1/namespaces/default/configmaps/during");
      await missing.body?.cancel();
      assert.equal(missing.status, 404, "the refused write left nothing behind");
      assert.equal((await post("again")).status, 202);
      const accepted = ["first", "again", ...statuses.flatMap((s, i) => s === 202 ? [`full-${i}`] : [])];
      await until(
        "every accepted event",
        () => accepted.every((id) => sink.at("/disk").some((e) => e.id === id)),
        30_000,
      );
      console.log(
        `disk full: ${statuses.filter((s) => s === 503).length} of 20 events refused with 503, ` +
          `${accepted.length - 2} accepted on the full disk were delivered`,
      );
    } finally {
      await platform?.stop();
      await sink.server.shutdown();
      new Deno.Command("umount", { args: [dir] }).outputSync();
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
