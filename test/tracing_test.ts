/**
 * Distributed tracing into a real Zipkin (`deno task zipkin:up` on a port of its own): a request into a
 * function that sends an event to a broker, whose trigger delivers it to another function, is one trace
 * with the spans of both functions' handling and of the delivery, each under its cause. With the Zipkin
 * endpoint down, requests still succeed and the lost spans are counted. Needs Java 17+ (skipped without,
 * except under CI=true).
 */
import assert from "node:assert/strict";
import { findJava } from "../devtools/java_runtime.ts";
import { eventually, FIXTURES, freePort, Platform, runDn } from "./harness.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const inCi = Deno.env.get("CI") === "true";
const missing = await findJava().then(() => undefined, (e: Error) => e.message);
if (missing && !inCi) console.warn(`skipping the Zipkin tracing test: ${missing}`);

async function zipkin(task: "zipkin:up" | "zipkin:down", port: number) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", task],
    cwd: ROOT,
    env: { ZIPKIN_PORT: String(port), NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, `${task}: ${new TextDecoder().decode(out.stderr)}`);
}

interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind?: string;
}

async function putJson(platform: Platform, path: string, doc: unknown) {
  const res = await platform.admin(path, {
    method: "PUT",
    body: JSON.stringify(doc),
    headers: { "content-type": "application/json" },
  });
  const text = await res.text();
  assert.ok(res.status < 300, `${path}: ${res.status} ${text}`);
}

Deno.test({
  name:
    "one trace in Zipkin from an HTTP call through sendEvent, the broker and the trigger to the subscriber",
  ignore: missing !== undefined && !inCi,
  async fn() {
    if (missing) throw new Error(`CI=true requires Java for Zipkin: ${missing}`);
    const zipkinPort = freePort();
    await zipkin("zipkin:up", zipkinPort);
    let platform: Platform | undefined;
    try {
      platform = await Platform.start({
        functions: { emitter: `${FIXTURES}/env_echo`, recorder: `${FIXTURES}/event_recorder` },
        env: {
          DENATIVE_TRACING_BACKEND: "zipkin",
          DENATIVE_ZIPKIN_ENDPOINT: `http://127.0.0.1:${zipkinPort}/api/v2/spans`,
          DENATIVE_TRACING_SAMPLE_RATE: "1",
        },
      });
      await platform.settled("emitter");
      await platform.settled("recorder");
      const broker = `http://127.0.0.1:${platform.port}/broker/default/default`;
      await putJson(platform, "/apis/eventing.knative.dev/v1/namespaces/default/brokers/default", {
        apiVersion: "eventing.knative.dev/v1",
        kind: "Broker",
        metadata: { name: "default", namespace: "default" },
      });
      await putJson(platform, "/apis/eventing.knative.dev/v1/namespaces/default/triggers/to-recorder", {
        apiVersion: "eventing.knative.dev/v1",
        kind: "Trigger",
        metadata: { name: "to-recorder", namespace: "default" },
        spec: {
          broker: "default",
          filter: { attributes: { type: "com.example.bound" } },
          subscriber: { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "recorder" } },
        },
      });
      const update = await runDn(platform, ["service", "update", "emitter", "--env", `K_SINK=${broker}`]);
      assert.equal(update.code, 0, update.stderr);
      await eventually("the emitter's new revision to serve", async () => {
        const res = await platform!.call("emitter");
        const env = await res.json();
        return env.K_SINK === broker ? true : undefined;
      });

      const traceId = crypto.randomUUID().replaceAll("-", "");
      const res = await platform.call("emitter", "/", {
        method: "POST",
        headers: { traceparent: `00-${traceId}-${"ab".repeat(8)}-01` },
      });
      assert.equal(res.status, 200, await res.text());
      await eventually("the event at the recorder", async () => {
        const got = await (await platform!.call("recorder")).json() as {
          attributes: Record<string, string>;
        }[];
        return got.length > 0 ? got : undefined;
      });

      const want = [
        "handle emitter",
        "broker ingress",
        "trigger default/to-recorder",
        "delivery attempt 1",
        "handle recorder",
      ];
      const spans = await eventually(
        "the whole trace in Zipkin",
        async () => {
          const r = await fetch(`http://127.0.0.1:${zipkinPort}/api/v2/trace/${traceId}`);
          if (!r.ok) return void await r.body?.cancel();
          const trace = await r.json() as ZipkinSpan[];
          return want.every((w) => trace.some((s) => s.name.startsWith(w))) ? trace : undefined;
        },
        30_000,
        300,
      );
      const named = (prefix: string) => {
        const found = spans.filter((s) => s.name.startsWith(prefix));
        assert.equal(found.length, 1, `one span named ${prefix}*: ${spans.map((s) => s.name)}`);
        return found[0];
      };
      const byId = new Map(spans.map((s) => [s.id, s]));
      const ancestors = (s: ZipkinSpan) => {
        const out: string[] = [];
        for (
          let p = s.parentId && byId.get(s.parentId);
          p;
          p = p.parentId ? byId.get(p.parentId) : undefined
        ) {
          out.push(p.name);
        }
        return out;
      };
      assert.ok(spans.every((s) => s.traceId === traceId));
      const emitterIngress = named("post emitter.default");
      assert.equal(emitterIngress.parentId, "ab".repeat(8), "the caller's span is the ingress span's parent");
      assert.equal(named("handle emitter").parentId, emitterIngress.id);
      assert.equal(named("broker ingress").parentId, named("handle emitter").id);
      assert.equal(named("trigger default/to-recorder").parentId, named("broker ingress").id);
      assert.equal(named("delivery attempt 1").parentId, named("trigger default/to-recorder").id);
      const recorderIngress = named("post recorder.default");
      assert.equal(recorderIngress.parentId, named("delivery attempt 1").id);
      assert.equal(named("handle recorder").parentId, recorderIngress.id);
      assert.ok(
        ancestors(named("handle recorder")).includes("handle emitter-00002"),
        ancestors(named("handle recorder")).join(" < "),
      );
    } finally {
      await platform?.stop();
      await zipkin("zipkin:down", zipkinPort);
    }
  },
});

Deno.test("with the Zipkin endpoint down, requests succeed and the lost spans are counted", async () => {
  const platform = await Platform.start({
    functions: { logger: `${FIXTURES}/logger` },
    env: {
      DENATIVE_TRACING_BACKEND: "zipkin",
      DENATIVE_ZIPKIN_ENDPOINT: `http://127.0.0.1:${freePort()}/api/v2/spans`,
      DENATIVE_TRACING_SAMPLE_RATE: "1",
    },
  });
  try {
    await platform.settled("logger");
    for (let i = 0; i < 20; i++) {
      const res = await platform.call("logger", `/?text=traced-${i}`);
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    await eventually("lost spans on /metrics", async () => {
      const text = await (await platform.admin("/metrics")).text();
      const failed = Number(text.match(/denative_trace_spans_total\{result="failed"\} (\d+)/)?.[1] ?? 0);
      const dropped = Number(text.match(/denative_trace_spans_total\{result="dropped"\} (\d+)/)?.[1] ?? 0);
      return failed + dropped > 0 ? true : undefined;
    });
  } finally {
    await platform.stop();
  }
});
