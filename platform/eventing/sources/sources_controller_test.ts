import { deepStrictEqual as assertEquals, equal, ok as assert } from "node:assert/strict";
import { ResourceStore } from "../../store/resource_store.ts";
import type { KObject } from "../../resources/meta.ts";
import type { Service } from "../../resources/service.ts";
import { createLogger } from "../../log.ts";
import { systemClock } from "../delivery/clock.ts";
import { FakeClock } from "../delivery/fake_clock.ts";
import type { Clock } from "../delivery/clock.ts";
import { EventSender } from "../event_sender.ts";
import { decodeHttpRequest } from "../cloudevents/http_decode.ts";
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import { parseSecret } from "../../resources/secret.ts";
import { SourcesController } from "./sources_controller.ts";
import { sourceKinds } from "./source_kinds.ts";
import { BOUND_BY_ANNOTATION } from "./sink_binding.ts";

const log = createLogger("test", { quiet: true });

/** A real HTTP server that records the CloudEvents POSTed to it. */
function eventServer() {
  const events: CloudEvent[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    events.push(...(await decodeHttpRequest(req)).events);
    return new Response(null, { status: 202 });
  });
  return { events, url: `http://127.0.0.1:${server.addr.port}/`, close: () => server.shutdown() };
}

/** A node's store and controller; the data port (1) is not this test's server, so sends go out by fetch. */
function node(clock: Clock = systemClock) {
  const store = new ResourceStore(":memory:");
  const sender = new EventSender({
    store,
    scheme: { domain: "localhost", port: 1 },
    dataPlaneFetch: () => Promise.reject(new Error("this test has no data plane")),
  });
  const controller = new SourcesController({
    store,
    sender,
    clock,
    log,
    apiServerOrigin: "http://127.0.0.1:8081",
    webhookUrl: (ns, name) => `http://127.0.0.1:1/webhooks/github/${ns}/${name}`,
  });
  /** Stores a document as the admin API would: validated by its kind. */
  const apply = (doc: Record<string, unknown>) => {
    const kind = sourceKinds().find((k) => k.kind === doc.kind);
    const filled = { ...doc, metadata: { namespace: "default", ...(doc.metadata as object) } };
    if (!kind) return store.put(filled as KObject);
    const { object, errors } = kind.parse!(filled);
    assertEquals(errors, []);
    return store.put(object);
  };
  const stop = () => {
    controller.stop();
    store.close();
  };
  return { store, controller, apply, stop };
}

function service(name: string, labels?: Record<string, string>) {
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: { name, ...(labels ? { labels } : {}) },
    spec: { template: { spec: { containers: [{ image: "denative-bundle:sha256:00" }] } } },
  };
}

const ksvc = (name: string) => ({ ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name } });

function binding(subject: Record<string, unknown>, sink: unknown = ksvc("display")) {
  return {
    apiVersion: "sources.knative.dev/v1",
    kind: "SinkBinding",
    metadata: { name: "bind" },
    spec: { subject: { apiVersion: "serving.knative.dev/v1", kind: "Service", ...subject }, sink },
  };
}

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function envOf(store: ResourceStore, name: string) {
  return store.get<Service>("Service", "default", name)?.spec.template.spec.containers[0].env;
}

function condition(obj: KObject | undefined, type: string) {
  return obj?.status?.conditions?.find((c) => c.type === type);
}

Deno.test("a Service written without the binding's env has it before the write returns", () => {
  const { store, apply, stop } = node();
  apply(service("display"));
  apply(binding({ name: "fn" }));
  apply(service("fn"));
  assertEquals(envOf(store, "fn"), [
    { name: "K_SINK", value: "http://display.default.localhost:1" },
    { name: "K_CE_OVERRIDES", value: "" },
  ]);
  const fn = store.get<Service>("Service", "default", "fn")!;
  equal(fn.metadata.annotations?.[BOUND_BY_ANNOTATION], "bind");
  // A redeploy without the env is corrected at once too.
  apply(service("fn", { redeployed: "yes" }));
  equal(envOf(store, "fn")?.length, 2);
  stop();
});

Deno.test("a binding by selector binds every matching Service and deleting it unbinds them", () => {
  const { store, apply, stop } = node();
  apply(service("display"));
  apply(service("a", { app: "shop" }));
  apply(service("b", { app: "shop" }));
  apply(service("c", { app: "blog" }));
  apply(binding({ selector: { matchLabels: { app: "shop" } } }));
  equal(envOf(store, "a")?.[0].name, "K_SINK");
  equal(envOf(store, "b")?.[0].name, "K_SINK");
  equal(envOf(store, "c"), undefined);
  store.delete("SinkBinding", "default", "bind");
  equal(envOf(store, "a"), undefined);
  equal(envOf(store, "b"), undefined);
  equal(store.get("Service", "default", "a")?.metadata.annotations, undefined);
  stop();
});

Deno.test("a binding whose sink does not exist yet binds once the sink appears, and says why until then", async () => {
  const { store, controller, apply, stop } = node();
  controller.start();
  apply(service("fn"));
  apply(binding({ name: "fn" }));
  equal(envOf(store, "fn"), undefined);
  const ready = await until(() => condition(store.get("SinkBinding", "default", "bind"), "Ready"), "status");
  assertEquals([ready.status, ready.reason], ["False", "NoAddressable"]);
  apply(service("display"));
  equal(envOf(store, "fn")?.[0].value, "http://display.default.localhost:1");
  await until(
    () => condition(store.get("SinkBinding", "default", "bind"), "Ready")?.status === "True" || undefined,
    "Ready",
  );
  equal(
    (store.get("SinkBinding", "default", "bind")!.status as { sinkUri?: string }).sinkUri,
    "http://display.default.localhost:1",
  );
  stop();
});

Deno.test("a binding to a Deployment is stored and reported as unsupported", async () => {
  const { store, controller, apply, stop } = node();
  controller.start();
  apply(service("display"));
  apply({
    ...binding({}),
    spec: {
      subject: { apiVersion: "apps/v1", kind: "Deployment", selector: { matchLabels: { app: "x" } } },
      sink: ksvc("display"),
    },
  });
  const ready = await until(() => condition(store.get("SinkBinding", "default", "bind"), "Ready"), "status");
  assertEquals([ready.status, ready.reason], ["False", "SubjectNotSupported"]);
  assert(ready.message?.includes("apps/v1 Deployment"), ready.message);
  stop();
});

Deno.test("an ApiServerSource reports a Service's add, update and delete in order", async () => {
  const sink = eventServer();
  const { store, controller, apply, stop } = node();
  controller.start();
  apply({
    apiVersion: "sources.knative.dev/v1",
    kind: "ApiServerSource",
    metadata: { name: "watch" },
    spec: {
      mode: "Reference",
      resources: [{ apiVersion: "serving.knative.dev/v1", kind: "Service" }],
      sink: { uri: sink.url },
    },
  });
  apply(service("fn"));
  apply(service("fn", { changed: "yes" }));
  store.delete("Service", "default", "fn");
  await controller.apiServer.idle();
  assertEquals(sink.events.map((e) => e.type), [
    "dev.knative.apiserver.ref.add",
    "dev.knative.apiserver.ref.update",
    "dev.knative.apiserver.ref.delete",
  ]);
  assertEquals(JSON.parse(new TextDecoder().decode(sink.events[0].data as Uint8Array)), {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    name: "fn",
    namespace: "default",
  });
  equal(sink.events[0].source, "http://127.0.0.1:8081");
  stop();
  await sink.close();
});

Deno.test("a PingSource fires on the clock and delivers its data to the sink", async () => {
  const sink = eventServer();
  const clock = new FakeClock(Date.parse("2024-03-01T10:00:00.500Z"));
  const { store, controller, apply, stop } = node(clock);
  controller.start();
  apply({
    apiVersion: "sources.knative.dev/v1",
    kind: "PingSource",
    metadata: { name: "tick" },
    spec: { schedule: "*/2 * * * * *", contentType: "text/plain", data: "hello", sink: { uri: sink.url } },
  });
  await until(() => controller.ping.keys().length > 0 || undefined, "the timer");
  await clock.advance(2_000);
  await until(() => sink.events[0], "the first ping");
  const event = sink.events[0];
  assertEquals([event.type, event.source, event.time], [
    "dev.knative.sources.ping",
    "/apis/v1/namespaces/default/pingsources/tick",
    "2024-03-01T10:00:02.000Z",
  ]);
  equal(new TextDecoder().decode(event.data as Uint8Array), "hello");
  equal(condition(store.get("PingSource", "default", "tick"), "Ready")?.status, "True");
  store.delete("PingSource", "default", "tick");
  assertEquals(controller.ping.keys(), []);
  stop();
  await sink.close();
});

Deno.test("a source whose sink Service is missing is not Ready, and becomes Ready when it is created", async () => {
  const { store, controller, apply, stop } = node();
  controller.start();
  apply({
    apiVersion: "sources.knative.dev/v1",
    kind: "PingSource",
    metadata: { name: "tick" },
    spec: { schedule: "0 0 1 1 *", sink: ksvc("display") },
  });
  const ready = await until(() => condition(store.get("PingSource", "default", "tick"), "Ready"), "status");
  assertEquals([ready.status, ready.reason], ["False", "NotFound"]);
  assert(ready.message?.includes('Service "display"'), ready.message);
  apply(service("display"));
  await until(
    () => condition(store.get("PingSource", "default", "tick"), "Ready")?.status === "True" || undefined,
    "Ready",
  );
  equal(
    (store.get("PingSource", "default", "tick")!.status as { sinkUri?: string }).sinkUri,
    "http://display.default.localhost:1",
  );
  stop();
});

Deno.test("a GitHubSource shows its webhook URL and waits for its Secret", async () => {
  const { store, controller, apply, stop } = node();
  controller.start();
  apply(service("display"));
  apply({
    apiVersion: "sources.knative.dev/v1alpha1",
    kind: "GitHubSource",
    metadata: { name: "gh" },
    spec: {
      ownerAndRepository: "Codertocat/Hello-World",
      eventTypes: ["push"],
      secretToken: { secretKeyRef: { name: "githubsecret", key: "secretToken" } },
      sink: ksvc("display"),
    },
  });
  const ready = await until(() => condition(store.get("GitHubSource", "default", "gh"), "Ready"), "status");
  assertEquals([ready.status, ready.reason], ["False", "SecretNotFound"]);
  equal(
    (store.get("GitHubSource", "default", "gh")!.status as { url?: string }).url,
    "http://127.0.0.1:1/webhooks/github/default/gh",
  );
  store.put(
    parseSecret({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "githubsecret", namespace: "default" },
      stringData: { secretToken: "s" },
    }).secret,
  );
  await until(
    () => condition(store.get("GitHubSource", "default", "gh"), "Ready")?.status === "True" || undefined,
    "Ready",
  );
  stop();
});
