/**
 * Sequence and Parallel end to end, built on durable channels and subscriptions: the real platform
 * as a subprocess, real functions as steps, filters and subscribers, and a sink server in this test
 * process that records what arrives. A Sequence of two steps replies into a Broker whose Trigger
 * delivers to the sink; a Parallel's two filtered branches each see only their events, one branch
 * replying to its own reply and the other to the Parallel's.
 */
import assert from "node:assert/strict";
import { encodeHttpBinary } from "../platform/eventing/cloudevents/http_encode.ts";
import { eventually, FIXTURES, Platform } from "./harness.ts";
import { Sink, until } from "./event_sink.ts";

const FLOWS = "/apis/flows.knative.dev/v1/namespaces/default";
const MESSAGING = "/apis/messaging.knative.dev/v1/namespaces/default";
const EVENTING = "/apis/eventing.knative.dev/v1/namespaces/default";
const STEPS = "flow-steps";
const step = (path: string) => ({
  ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: STEPS },
  uri: path,
});

interface Obj {
  status?: {
    address?: { url: string };
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    [k: string]: unknown;
  };
}

async function put(platform: Platform, path: string, doc: unknown) {
  const res = await platform.admin(path, {
    method: "PUT",
    body: JSON.stringify(doc),
    headers: { "content-type": "application/json" },
  });
  const body = await res.json();
  assert.ok(res.ok, `PUT ${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function ready(platform: Platform, path: string): Promise<Obj> {
  return await eventually(`${path} Ready`, async () => {
    const o = await platform.adminJson<Obj>(path);
    return o.status?.conditions?.find((c) => c.type === "Ready")?.status === "True" ? o : undefined;
  });
}

async function post(url: string, id: string, n: number) {
  const encoded = encodeHttpBinary({
    specversion: "1.0",
    id,
    source: "/flows-test",
    type: "flow.test",
    extensions: {},
    datacontenttype: "application/json",
    data: { n },
  });
  const res = await fetch(url, { method: "POST", headers: encoded.headers, body: encoded.body });
  await res.body?.cancel();
  return res.status;
}

/** The JSON data of a recorded event (binary-mode bodies are decoded as bytes). */
const dataOf = (e: { data?: unknown }) =>
  JSON.parse(
    e.data instanceof Uint8Array ? new TextDecoder().decode(e.data) : JSON.stringify(e.data),
  ) as { n: number; trail: string[] };

Deno.test("flows: a Sequence replying into a Broker, a Parallel with filtered branches", async (t) => {
  const sink = new Sink();
  const platform = await Platform.start({ functions: { [STEPS]: `${FIXTURES}/flow_steps` } });
  try {
    await t.step(
      "a Sequence of two steps: each step's reply feeds the next, the last reaches a Broker",
      async () => {
        await put(platform, `${EVENTING}/brokers/default`, {
          apiVersion: "eventing.knative.dev/v1",
          kind: "Broker",
          metadata: { name: "default" },
        });
        await put(platform, `${EVENTING}/triggers/done`, {
          apiVersion: "eventing.knative.dev/v1",
          kind: "Trigger",
          metadata: { name: "done" },
          spec: { broker: "default", subscriber: { uri: sink.url("/sequence") } },
        });
        const created = await put(platform, `${FLOWS}/sequences/seq`, {
          apiVersion: "flows.knative.dev/v1",
          kind: "Sequence",
          metadata: { name: "seq" },
          spec: {
            steps: [step("/step/a"), step("/step/b")],
            reply: { ref: { kind: "Broker", apiVersion: "eventing.knative.dev/v1", name: "default" } },
          },
        });
        assert.equal(
          created.spec.channelTemplate.kind,
          "InMemoryChannel",
          "the default template is filled in",
        );
        const seq = await ready(platform, `${FLOWS}/sequences/seq`);
        const first = await platform.adminJson<Obj>(`${MESSAGING}/inmemorychannels/seq-kn-sequence-0`);
        assert.equal(seq.status?.address?.url, first.status?.address?.url);
        assert.equal((seq.status?.channelStatuses as unknown[]).length, 2);
        assert.equal((seq.status?.subscriptionStatuses as unknown[]).length, 2);
        const sub1 = await platform.adminJson<{ spec: { reply: unknown } }>(
          `${MESSAGING}/subscriptions/seq-kn-sequence-1`,
        );
        assert.deepEqual(sub1.spec.reply, {
          ref: { kind: "Broker", apiVersion: "eventing.knative.dev/v1", name: "default" },
        });

        for (let i = 0; i < 5; i++) assert.equal(await post(seq.status!.address!.url, `s${i}`, i), 202);
        await until("5 events through the sequence", () => sink.at("/sequence").length >= 5, 30_000);
        for (const e of sink.at("/sequence")) assert.deepEqual(dataOf(e).trail, ["a", "b"]);
        assert.deepEqual(sink.at("/sequence").map((e) => dataOf(e).n).sort(), [0, 1, 2, 3, 4]);
      },
    );

    await t.step("a Parallel: each filtered branch sees its events; replies go per branch", async () => {
      await put(platform, `${FLOWS}/parallels/par`, {
        apiVersion: "flows.knative.dev/v1",
        kind: "Parallel",
        metadata: { name: "par" },
        spec: {
          channelTemplate: { apiVersion: "messaging.knative.dev/v1", kind: "InMemoryChannel" },
          branches: [
            { filter: step("/filter/even"), subscriber: step("/step/even") },
            { filter: step("/filter/odd"), subscriber: step("/step/odd"), reply: { uri: sink.url("/odd") } },
          ],
          reply: { uri: sink.url("/parallel") },
        },
      });
      const par = await ready(platform, `${FLOWS}/parallels/par`);
      const ingress = await platform.adminJson<Obj>(`${MESSAGING}/inmemorychannels/par-kn-parallel`);
      assert.equal(par.status?.address?.url, ingress.status?.address?.url);
      assert.equal((par.status?.branchStatuses as unknown[]).length, 2);
      for (let n = 0; n < 10; n++) assert.equal(await post(par.status!.address!.url, `p${n}`, n), 202);
      await until("5 even events", () => sink.at("/parallel").length >= 5, 30_000);
      await until("5 odd events", () => sink.at("/odd").length >= 5, 30_000);
      assert.deepEqual(sink.at("/parallel").map((e) => dataOf(e).n).sort(), [0, 2, 4, 6, 8]);
      assert.deepEqual(sink.at("/odd").map((e) => dataOf(e).n).sort(), [1, 3, 5, 7, 9]);
      for (const e of sink.at("/parallel")) assert.deepEqual(dataOf(e).trail, ["even"]);
      for (const e of sink.at("/odd")) assert.deepEqual(dataOf(e).trail, ["odd"]);
    });

    await t.step(
      "a Sequence with fewer steps loses the extra channel; deleting it removes its parts",
      async () => {
        await put(platform, `${FLOWS}/sequences/seq`, {
          apiVersion: "flows.knative.dev/v1",
          kind: "Sequence",
          metadata: { name: "seq" },
          spec: { steps: [step("/step/a")], reply: { uri: sink.url("/short") } },
        });
        const gone = async (path: string) => {
          const res = await platform.admin(path);
          await res.body?.cancel();
          return res.status === 404 ? true : undefined;
        };
        await eventually(
          "the second channel gone",
          () => gone(`${MESSAGING}/inmemorychannels/seq-kn-sequence-1`),
        );
        const seq = await ready(platform, `${FLOWS}/sequences/seq`);
        assert.equal(await post(seq.status!.address!.url, "short", 7), 202);
        await until("the shortened sequence's reply", () => sink.at("/short").length === 1, 30_000);
        assert.deepEqual(dataOf(sink.at("/short")[0]).trail, ["a"]);
        await platform.admin(`${FLOWS}/sequences/seq`, { method: "DELETE" }).then((r) => r.body?.cancel());
        await eventually(
          "the first channel gone",
          () => gone(`${MESSAGING}/inmemorychannels/seq-kn-sequence-0`),
        );
        await eventually("the subscription gone", () => gone(`${MESSAGING}/subscriptions/seq-kn-sequence-0`));
      },
    );
  } finally {
    await platform.stop();
    await sink.server.shutdown();
    await Deno.remove(platform.state, { recursive: true }).catch(() => {});
  }
});
