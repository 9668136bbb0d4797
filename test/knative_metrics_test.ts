/**
 * /metrics under Knative's names: a real platform's Knative-named series (queue-proxy and activator
 * request counts and latencies, autoscaler pods, eventing event counts and dispatch latencies) move
 * with traffic and events, and today's denative_* series stay.
 */
import assert from "node:assert/strict";
import { eventually, FIXTURES, Platform } from "./harness.ts";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text exposition, samples only (comments skipped); every line must parse. */
function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/);
    assert.ok(m, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

function sum(samples: Sample[], name: string, where: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((a, s) => a + s.value, 0);
}

Deno.test("Knative-named series on /metrics move with requests and events", async () => {
  const platform = await Platform.start({
    functions: { logger: `${FIXTURES}/logger`, recorder: `${FIXTURES}/event_recorder` },
  });
  const scrape = async () => parseMetrics(await (await platform.admin("/metrics")).text());
  try {
    await platform.settled("logger");
    await platform.settled("recorder");
    const rev = { revision_name: "logger-00001", namespace_name: "default" };
    const before = await scrape();
    for (let i = 0; i < 5; i++) await (await platform.call("logger", `/?text=m${i}`)).body?.cancel();
    const after = await eventually("the five requests counted", async () => {
      const s = await scrape();
      return sum(s, "revision_request_count", { ...rev, response_code: "200" }) -
            sum(before, "revision_request_count", { ...rev, response_code: "200" }) >= 5
        ? s
        : undefined;
    });
    assert.equal(
      sum(after, "revision_request_count", { ...rev, response_code_class: "2xx" }) -
        sum(before, "revision_request_count", { ...rev, response_code_class: "2xx" }),
      5,
    );
    assert.ok(sum(after, "revision_app_request_count", rev) >= 5);
    assert.ok(sum(after, "revision_request_latencies_count", rev) >= 5);
    assert.ok(sum(after, "revision_request_latencies_bucket", { ...rev, le: "+Inf" }) >= 5);
    assert.ok(sum(after, "autoscaler_actual_pods", rev) >= 1);
    await eventually("the autoscaler's series for the revision", async () => {
      const s = await scrape();
      const has = (name: string) =>
        s.some((x) => x.name === name && x.labels.revision_name === "logger-00001");
      return has("autoscaler_desired_pods") && has("autoscaler_panic_mode") ? true : undefined;
    });
    assert.ok(after.some((s) => s.name === "denative_revision_ready_instances"), "today's series stay");

    const put = async (path: string, doc: unknown) => {
      const res = await platform.admin(path, {
        method: "PUT",
        body: JSON.stringify(doc),
        headers: { "content-type": "application/json" },
      });
      const text = await res.text();
      assert.ok(res.status < 300, text);
    };
    await put("/apis/eventing.knative.dev/v1/namespaces/default/brokers/default", {
      apiVersion: "eventing.knative.dev/v1",
      kind: "Broker",
      metadata: { name: "default" },
    });
    await put("/apis/eventing.knative.dev/v1/namespaces/default/triggers/rec", {
      apiVersion: "eventing.knative.dev/v1",
      kind: "Trigger",
      metadata: { name: "rec" },
      spec: {
        broker: "default",
        subscriber: { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "recorder" } },
      },
    });
    const sent = await eventually("the broker to take an event", async () => {
      const res = await fetch(`http://127.0.0.1:${platform.port}/broker/default/default`, {
        method: "POST",
        headers: {
          "ce-specversion": "1.0",
          "ce-id": crypto.randomUUID(),
          "ce-source": "/test",
          "ce-type": "com.example.metric",
          "content-type": "text/plain",
        },
        body: "hi",
      });
      await res.body?.cancel();
      return res.status === 202 ? true : undefined;
    });
    assert.ok(sent);
    const events = await eventually("the event counted at ingress and dispatch", async () => {
      const s = await scrape();
      return sum(s, "event_count", {
          broker_name: "default",
          trigger_name: "rec",
          response_code_class: "2xx",
        }) >= 1
        ? s
        : undefined;
    });
    assert.ok(
      sum(events, "event_count", {
        broker_name: "default",
        event_type: "com.example.metric",
        response_code: "202",
      }) >=
        1,
    );
    assert.ok(sum(events, "event_dispatch_latencies_count", { trigger_name: "rec" }) >= 1);
  } finally {
    await platform.stop();
  }
});
