/**
 * Event sources end to end: the real platform as a subprocess, a recorder function as the sink.
 * One platform is shared by the steps; each step creates what it needs.
 */
import assert from "node:assert/strict";
import { eventually, FIXTURES, Platform, serviceDoc } from "./harness.ts";
import { signatureHeader } from "../platform/eventing/sources/github_signature.ts";
import { conformanceSuite } from "./conformance.ts";

const SOURCES = "/apis/sources.knative.dev/v1/namespaces/default";
const GITHUB = "/apis/sources.knative.dev/v1alpha1/namespaces/default/githubsources";
const SECRETS = "/api/v1/namespaces/default/secrets";
const DOCUMENTS = conformanceSuite("knative-yaml");
const PAYLOADS = conformanceSuite("github-webhooks");
const RECORDER_SINK = { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "recorder" } };

interface Recorded {
  attributes: Record<string, string>;
  contentType: string | null;
  body: string;
}

interface Status {
  sinkUri?: string;
  url?: string;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}

async function put(platform: Platform, path: string, doc: unknown) {
  return await platform.adminJson<{ status?: Status } & Record<string, unknown>>(path, {
    method: "PUT",
    body: JSON.stringify(doc),
    headers: { "content-type": "application/json" },
  });
}

async function recorded(platform: Platform, typePrefix: string): Promise<Recorded[]> {
  const res = await platform.call("recorder", `/?type=${encodeURIComponent(typePrefix)}`);
  assert.equal(res.status, 200);
  return await res.json();
}

const repository = { id: 1, full_name: "Codertocat/Hello-World" };
const sender = { login: "Codertocat" };
/** Deliveries in GitHub's shape, written here, for when the outside suite of real ones is absent. */
const OWN_GITHUB_PAYLOADS: Record<string, unknown> = {
  "issues-opened.json": { action: "opened", issue: { number: 1 }, repository, sender },
  "ping.json": { zen: "Design for failure.", hook_id: 9, repository, sender },
  "pull_request-opened.json": {
    action: "opened",
    number: 2,
    pull_request: { number: 2 },
    repository,
    sender,
  },
  "push.json": {
    ref: "refs/heads/main",
    compare: "https://github.com/x/y/compare/a...b",
    repository,
    sender,
  },
  "release-published.json": { action: "published", release: { tag_name: "0.0.1" }, repository, sender },
};

/** The GitHub deliveries to send, by file name: the real ones when the outside suite is there, else ours. */
function gitHubDeliveries(): Map<string, Uint8Array<ArrayBuffer>> {
  if (PAYLOADS.missing) {
    console.warn(`GitHub webhook step: ${PAYLOADS.missing}; sending deliveries written here instead`);
    return new Map(
      Object.entries(OWN_GITHUB_PAYLOADS).map(([f, p]) => [f, new TextEncoder().encode(JSON.stringify(p))]),
    );
  }
  return new Map(PAYLOADS.files(".json").map((f) => [f, Deno.readFileSync(PAYLOADS.path(f))]));
}

function ready(status: Status | undefined) {
  return status?.conditions?.find((c) => c.type === "Ready");
}

Deno.test("event sources: ping, API server, GitHub, SinkBinding and Secrets", async (t) => {
  const platform = await Platform.start({ functions: { recorder: `${FIXTURES}/event_recorder` } });
  const recorderUrl = `http://recorder.default.localhost:${platform.port}`;
  try {
    await platform.settled("recorder");

    await t.step("a Secret's stringData is stored as data and never shown in clear", async () => {
      const doc = {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "githubsecret" },
        type: "Opaque",
        stringData: { secretToken: "gh-webhook-s3cret", accessToken: "ghp_unused" },
      };
      const created = await put(platform, `${SECRETS}/githubsecret`, doc);
      assert.deepEqual(created.data, { accessToken: "", secretToken: "" });
      assert.equal(created.stringData, undefined);
      const shown = JSON.stringify([
        await platform.adminJson(`${SECRETS}/githubsecret`),
        await platform.adminJson(SECRETS),
        await (await platform.admin(`${SECRETS}/githubsecret`, { headers: { accept: "application/yaml" } }))
          .text(),
      ]);
      for (
        const value of ["gh-webhook-s3cret", btoa("gh-webhook-s3cret"), "ghp_unused", btoa("ghp_unused")]
      ) {
        assert.ok(!shown.includes(value), `the API showed ${value}`);
      }
    });

    await t.step("a Service reads a Secret through env valueFrom.secretKeyRef", async () => {
      const image = await platform.uploadBundle(`${FIXTURES}/env_echo`);
      const doc = serviceDoc("secret-reader", image);
      doc.spec.template.spec.containers[0] = {
        image,
        env: [{
          name: "WEBHOOK_SECRET",
          valueFrom: { secretKeyRef: { name: "githubsecret", key: "secretToken" } },
        }],
      } as typeof doc.spec.template.spec.containers[0];
      await platform.putService(doc);
      await platform.settled("secret-reader");
      assert.equal((await (await platform.call("secret-reader")).json()).WEBHOOK_SECRET, "gh-webhook-s3cret");
    });

    await t.step("a PingSource every 2 seconds delivers to a Service, and stops when deleted", async () => {
      const source = await put(platform, `${SOURCES}/pingsources/every2s`, {
        apiVersion: "sources.knative.dev/v1",
        kind: "PingSource",
        metadata: { name: "every2s" },
        spec: {
          schedule: "*/2 * * * * *",
          contentType: "application/json",
          data: '{"message": "Hello world!"}',
          sink: RECORDER_SINK,
        },
      });
      assert.equal(source.metadata && (source.metadata as { name: string }).name, "every2s");
      const pings = await eventually("two pings", async () => {
        const events = await recorded(platform, "dev.knative.sources.ping");
        return events.length >= 2 ? events : undefined;
      }, 10_000);
      const [first, second] = pings;
      assert.equal(first.attributes.source, "/apis/v1/namespaces/default/pingsources/every2s");
      assert.equal(first.contentType, "application/json");
      assert.deepEqual(JSON.parse(first.body), { message: "Hello world!" });
      const gap = Date.parse(second.attributes.time) - Date.parse(first.attributes.time);
      assert.equal(gap, 2_000);
      assert.equal(new Date(first.attributes.time).getUTCSeconds() % 2, 0);
      const status = (await platform.adminJson<{ status: Status }>(`${SOURCES}/pingsources/every2s`)).status;
      assert.equal(ready(status)?.status, "True");
      assert.equal(status.sinkUri, recorderUrl);

      const del = await platform.admin(`${SOURCES}/pingsources/every2s`, { method: "DELETE" });
      assert.equal(del.status, 200);
      await del.body?.cancel();
      await new Promise((r) => setTimeout(r, 300)); // a tick in flight may still land
      const after = (await recorded(platform, "dev.knative.sources.ping")).length;
      await new Promise((r) => setTimeout(r, 2_500));
      assert.equal((await recorded(platform, "dev.knative.sources.ping")).length, after);
    });

    await t.step("a PingSource whose sink Service is missing says so in its status", async () => {
      await put(platform, `${SOURCES}/pingsources/nowhere`, {
        apiVersion: "sources.knative.dev/v1",
        kind: "PingSource",
        metadata: { name: "nowhere" },
        spec: { schedule: "0 0 1 1 *", sink: { ref: { ...RECORDER_SINK.ref, name: "no-such-service" } } },
      });
      const condition = await eventually(
        "a status",
        async () =>
          ready((await platform.adminJson<{ status?: Status }>(`${SOURCES}/pingsources/nowhere`)).status),
      );
      assert.equal(condition.status, "False");
      assert.equal(condition.reason, "NotFound");
      assert.match(condition.message ?? "", /no-such-service/);
    });

    await t.step("an ApiServerSource reports a Service's create, update and delete", async () => {
      await put(platform, `${SOURCES}/apiserversources/services`, {
        apiVersion: "sources.knative.dev/v1",
        kind: "ApiServerSource",
        metadata: { name: "services" },
        spec: {
          mode: "Resource",
          resources: [{
            apiVersion: "serving.knative.dev/v1",
            kind: "Service",
            selector: { matchLabels: { watched: "yes" } },
          }],
          sink: RECORDER_SINK,
        },
      });
      await eventually(
        "the source to be Ready",
        async () =>
          ready(
              (await platform.adminJson<{ status?: Status }>(`${SOURCES}/apiserversources/services`)).status,
            )
              ?.status === "True" || undefined,
      );
      const image = await platform.uploadBundle(`${FIXTURES}/env_echo`);
      const doc = serviceDoc("watched", image);
      (doc.metadata as Record<string, unknown>).labels = { watched: "yes" };
      await platform.putService(doc);
      await platform.settled("watched");
      const current = await platform.service("watched");
      current.spec.template.spec.containers = [{ image, env: [{ name: "MODE", value: "two" }] }];
      await platform.putService(current);
      await platform.settled("watched");
      const del = await platform.admin("/apis/serving.knative.dev/v1/namespaces/default/services/watched", {
        method: "DELETE",
      });
      await del.body?.cancel();
      const events = await eventually("the delete event", async () => {
        const all = await recorded(platform, "dev.knative.apiserver.resource.");
        return all.some((e) => e.attributes.type.endsWith(".delete")) ? all : undefined;
      });
      const types = events.map((e) => e.attributes.type.split(".").pop());
      assert.equal(types[0], "add");
      assert.equal(types.at(-1), "delete");
      assert.ok(types.includes("update"));
      for (const e of events) {
        assert.equal(
          e.attributes.subject,
          "/apis/serving.knative.dev/v1/namespaces/default/services/watched",
        );
        assert.equal(e.attributes.source, `http://127.0.0.1:${platform.adminPort}`);
        assert.equal(e.attributes.name, "watched");
      }
      const added = JSON.parse(events[0].body);
      assert.equal(added.kind, "Service");
      assert.equal(added.metadata.labels.watched, "yes");
      const updated = events.filter((e) => e.attributes.type.endsWith(".update")).map((e) =>
        JSON.parse(e.body)
      );
      assert.ok(updated.some((o) => o.spec.template.spec.containers[0].env?.[0]?.value === "two"));
    });

    await t.step("a GitHubSource checks signatures and delivers GitHub's payloads unchanged", async () => {
      const created = await put(platform, `${GITHUB}/hello-world`, {
        apiVersion: "sources.knative.dev/v1alpha1",
        kind: "GitHubSource",
        metadata: { name: "hello-world" },
        spec: {
          ownerAndRepository: "Codertocat/Hello-World",
          eventTypes: ["issues", "pull_request", "push"],
          accessToken: { secretKeyRef: { name: "githubsecret", key: "accessToken" } },
          secretToken: { secretKeyRef: { name: "githubsecret", key: "secretToken" } },
          sink: RECORDER_SINK,
        },
      });
      assert.ok(created);
      const status = await eventually("the webhook URL", async () => {
        const s = (await platform.adminJson<{ status?: Status }>(`${GITHUB}/hello-world`)).status;
        return ready(s)?.status === "True" ? s : undefined;
      });
      assert.equal(status.url, `http://127.0.0.1:${platform.port}/webhooks/github/default/hello-world`);
      const deliveries = gitHubDeliveries();
      const hook = (file: string, headers: Record<string, string>) =>
        fetch(status.url!, { method: "POST", body: deliveries.get(file), headers });

      const files = [...deliveries.keys()].sort();
      assert.ok(files.length >= 5);
      for (const file of files) {
        const body = deliveries.get(file)!;
        const eventType = file.replace(/\.json$/, "").split("-")[0];
        const base = {
          "content-type": "application/json",
          "x-github-event": eventType,
          "x-github-delivery": `d-${file}`,
        };
        const good = await hook(file, {
          ...base,
          "x-hub-signature-256": await signatureHeader("gh-webhook-s3cret", body),
        });
        const expected = eventType === "ping" ? 200 : eventType === "release" ? 404 : 202;
        assert.equal(good.status, expected, `${file}: ${await good.text()}`);
        const bad = await hook(file, {
          ...base,
          "x-hub-signature-256": await signatureHeader("wrong", body),
        });
        assert.equal(bad.status, 400, `${file} with a bad signature`);
        await bad.body?.cancel();
        const missing = await hook(file, base);
        assert.equal(missing.status, 400, `${file} without a signature`);
        await missing.body?.cancel();
      }

      const events = await recorded(platform, "dev.knative.source.github.");
      const subscribed = files.filter((f) => ["issues", "pull_request", "push"].includes(f.split(/[-.]/)[0]));
      assert.deepEqual(events.map((e) => e.attributes.id).sort(), subscribed.map((f) => `d-${f}`).sort());
      for (const e of events) {
        const file = e.attributes.id.slice(2);
        assert.equal(
          e.attributes.type,
          `dev.knative.source.github.${file.replace(/\.json$/, "").split("-")[0]}`,
        );
        assert.equal(e.attributes.source, "https://github.com/Codertocat/Hello-World");
        assert.equal(e.body, new TextDecoder().decode(deliveries.get(file)), `${file}: the payload changed`);
      }
      assert.equal(
        events.find((e) => e.attributes.id === "d-pull_request-opened.json")?.attributes.subject,
        "2",
      );
    });

    await t.step("a SinkBinding gives a Service K_SINK and K_CE_OVERRIDES, and takes them back", async () => {
      const image = await platform.uploadBundle(`${FIXTURES}/env_echo`);
      await platform.putService(serviceDoc("emitter", image));
      const before = await platform.settled("emitter");
      assert.equal((await (await platform.call("emitter")).json()).K_SINK, null);
      await put(platform, `${SOURCES}/sinkbindings/emitter-binding`, {
        apiVersion: "sources.knative.dev/v1",
        kind: "SinkBinding",
        metadata: { name: "emitter-binding" },
        spec: {
          subject: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "emitter" },
          sink: RECORDER_SINK,
          ceOverrides: { extensions: { team: "shop" } },
        },
      });
      const env = await eventually("K_SINK", async () => {
        const svc = await platform.settled("emitter");
        if (svc.status?.latestReadyRevisionName === before.status?.latestReadyRevisionName) return undefined;
        const body = await (await platform.call("emitter")).json();
        return body.K_SINK ? body : undefined;
      });
      // The function's own fetch cannot resolve *.localhost, so K_SINK is the loopback path form.
      const reachable = `http://127.0.0.1:${platform.port}/function/recorder.default`;
      assert.equal(env.K_SINK, reachable);
      assert.deepEqual(JSON.parse(env.K_CE_OVERRIDES), { extensions: { team: "shop" } });
      // The function sends to K_SINK with the SDK (imported as denative/cloud_event.ts), overrides applied.
      const sent = await platform.call("emitter", "/", { method: "POST" });
      assert.equal(sent.status, 200, await sent.text());
      const bound = await eventually("the event sent to K_SINK", async () => {
        const got = (await recorded(platform, "com.example.bound")).find((e) =>
          e.attributes.source === "/emitter"
        );
        return got;
      });
      assert.equal(bound.attributes.team, "shop");
      const binding =
        (await platform.adminJson<{ status: Status }>(`${SOURCES}/sinkbindings/emitter-binding`)).status;
      assert.equal(binding.sinkUri, recorderUrl);

      // A redeploy that does not carry the variables keeps them, without an extra revision.
      const boundSvc = await platform.settled("emitter");
      await platform.putService(serviceDoc("emitter", image));
      const redeployed = await platform.settled("emitter");
      assert.equal(redeployed.status?.latestCreatedRevisionName, boundSvc.status?.latestCreatedRevisionName);
      assert.equal((await (await platform.call("emitter")).json()).K_SINK, reachable);

      const del = await platform.admin(`${SOURCES}/sinkbindings/emitter-binding`, { method: "DELETE" });
      await del.body?.cancel();
      await eventually("K_SINK to go", async () => {
        await platform.settled("emitter");
        return (await (await platform.call("emitter")).json()).K_SINK === null || undefined;
      });
    });

    await DOCUMENTS.step(
      t,
      "a SinkBinding to a Deployment is stored and says only Services can be bound",
      async () => {
        const text = DOCUMENTS.readText("sinkbinding-deployment-selector.yaml");
        const res = await platform.admin(`${SOURCES}/sinkbindings/node-sinkbinding`, {
          method: "PUT",
          body: text,
          headers: { "content-type": "application/yaml" },
        });
        assert.equal(res.status, 201);
        await res.body?.cancel();
        const condition = await eventually(
          "a status",
          async () =>
            (await platform.adminJson<{ status?: Status }>(`${SOURCES}/sinkbindings/node-sinkbinding`)).status
              ?.conditions?.find((c) => c.type === "SinkBindingAvailable"),
        );
        assert.equal(condition.status, "False");
        assert.equal(condition.reason, "SubjectNotSupported");
      },
    );
  } finally {
    await platform.stop();
  }
});
