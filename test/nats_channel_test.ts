/**
 * NatsJetStreamChannel against the machine's NATS with JetStream (127.0.0.1:4222, reached through a
 * TCP forwarder given as `--nats-servers`): events posted to the channel's address land in its
 * stream and reach each subscription (a function's replies going on to the reply, a failing
 * subscriber dead-lettered); a generic Channel can be backed by it; NATS going away makes the
 * channel NotReady (and its ingress answer 503), and Ready again when it returns.
 */
import assert from "node:assert/strict";
import { connect } from "nats";
import { encodeHttpBinary } from "../platform/eventing/cloudevents/http_encode.ts";
import { FIXTURES, Platform } from "./harness.ts";
import { event, Sink } from "./event_sink.ts";
import { TcpForwarder } from "./tcp_forwarder.ts";
import { eventually, NATS, putResource, readiness, serverTest, unreachable } from "./queue_test_env.ts";

const MESSAGING = "/apis/messaging.knative.dev";
const CHANNELS = `${MESSAGING}/v1alpha1/namespaces/default/natsjetstreamchannels`;
const SUBSCRIPTIONS = `${MESSAGING}/v1/namespaces/default/subscriptions`;
const missing = await unreachable("NATS", NATS);

function post(url: string, id: string, type: string) {
  const encoded = encodeHttpBinary(event(id, type));
  return fetch(url, { method: "POST", headers: encoded.headers, body: encoded.body });
}

const channelRef = (name: string) => ({
  apiVersion: "messaging.knative.dev/v1alpha1",
  kind: "NatsJetStreamChannel",
  name,
});

serverTest(
  "nats channel: subscriptions with reply and dead letters, outages, a Channel backed by it",
  async (t) => {
    const sink = new Sink();
    const forwarder = new TcpForwarder(NATS);
    forwarder.open();
    const channelName = `ch-${crypto.randomUUID().slice(0, 6)}`;
    const platform = await Platform.start({
      functions: { "event-replier": `${FIXTURES}/event_replier` },
      env: { DENATIVE_NATS_SERVERS: `nats://${forwarder.address}` },
    });
    const ready = (path: string) =>
      eventually(`${path} Ready`, async () => {
        const r = await readiness(platform, path);
        return r.status === "True" ? r : undefined;
      });
    try {
      await t.step("events reach each subscription through the stream", async () => {
        await putResource(platform, `${CHANNELS}/${channelName}`, {
          apiVersion: "messaging.knative.dev/v1alpha1",
          kind: "NatsJetStreamChannel",
          metadata: { name: channelName },
        });
        await putResource(platform, `${SUBSCRIPTIONS}/replying`, {
          apiVersion: "messaging.knative.dev/v1",
          kind: "Subscription",
          metadata: { name: "replying" },
          spec: {
            channel: channelRef(channelName),
            subscriber: {
              ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "event-replier" },
            },
            reply: { uri: sink.url("/replies") },
          },
        });
        await putResource(platform, `${SUBSCRIPTIONS}/failing`, {
          apiVersion: "messaging.knative.dev/v1",
          kind: "Subscription",
          metadata: { name: "failing" },
          spec: {
            channel: channelRef(channelName),
            subscriber: { uri: sink.url("/fail503") },
            delivery: { retry: 1, backoffDelay: "PT0.01S", deadLetterSink: { uri: sink.url("/dead") } },
          },
        });
        await ready(`${CHANNELS}/${channelName}`);
        await ready(`${SUBSCRIPTIONS}/replying`);
        await ready(`${SUBSCRIPTIONS}/failing`);
        const channel = await platform.adminJson<{ status: { address: { url: string } } }>(
          `${CHANNELS}/${channelName}`,
        );
        assert.equal(
          channel.status.address.url,
          `http://127.0.0.1:${platform.port}/channel/default/${channelName}`,
        );
        for (let i = 0; i < 5; i++) {
          const res = await post(channel.status.address.url, `n${i}`, "ping");
          assert.equal(res.status, 202, await res.text());
        }
        await eventually(
          "5 replies",
          () => Promise.resolve(sink.at("/replies").length >= 5 || undefined),
          30_000,
        );
        await eventually(
          "5 dead letters",
          () => Promise.resolve(sink.at("/dead").length >= 5 || undefined),
          30_000,
        );
        assert.deepEqual(
          sink.at("/replies").map((e) => e.type),
          Array(5).fill("pong"),
        );
        const nc = await connect({ servers: `${NATS.hostname}:${NATS.port}` });
        const info = await (await nc.jetstreamManager()).streams.info(
          `KN_DEFAULT_${channelName.toUpperCase().replace(/-/g, "_")}`,
        );
        assert.equal(info.state.messages, 5, "the events are in the channel's stream");
        await nc.close();
      });

      await t.step(
        "NATS going away makes the channel NotReady and its ingress 503, then Ready again",
        async () => {
          forwarder.close();
          const down = await eventually("NotReady", async () => {
            const r = await readiness(platform, `${CHANNELS}/${channelName}`);
            return r.status === "False" ? r : undefined;
          });
          assert.equal(down.reason, "ServerUnreachable");
          const refused = await post(
            `http://127.0.0.1:${platform.port}/channel/default/${channelName}`,
            "away",
            "ping",
          );
          assert.equal(refused.status, 503);
          await refused.body?.cancel();
          forwarder.open();
          await ready(`${CHANNELS}/${channelName}`);
          const res = await post(
            `http://127.0.0.1:${platform.port}/channel/default/${channelName}`,
            "back",
            "ping",
          );
          assert.equal(res.status, 202);
          await eventually(
            "the reply after the outage",
            () => Promise.resolve(sink.at("/replies").some((e) => e.id === "reply-to-back") || undefined),
            30_000,
          );
        },
      );

      await t.step("a Channel whose template is NatsJetStreamChannel is backed by one", async () => {
        const name = `gen-${crypto.randomUUID().slice(0, 6)}`;
        await putResource(platform, `${MESSAGING}/v1/namespaces/default/channels/${name}`, {
          apiVersion: "messaging.knative.dev/v1",
          kind: "Channel",
          metadata: { name },
          spec: {
            channelTemplate: { apiVersion: "messaging.knative.dev/v1alpha1", kind: "NatsJetStreamChannel" },
          },
        });
        const channel = await ready(`${MESSAGING}/v1/namespaces/default/channels/${name}`);
        assert.equal(channel.status, "True");
        await ready(`${CHANNELS}/${name}`);
        await platform.admin(`${MESSAGING}/v1/namespaces/default/channels/${name}`, { method: "DELETE" })
          .then((r) => r.body?.cancel());
      });
    } finally {
      forwarder.close();
      await platform.stop();
      await sink.server.shutdown();
      const nc = await connect({ servers: `${NATS.hostname}:${NATS.port}` }).catch(() => undefined);
      if (nc) {
        const jsm = await nc.jetstreamManager();
        for await (const s of jsm.streams.list()) {
          if (s.config.name.startsWith("KN_DEFAULT_CH_") || s.config.name.startsWith("KN_DEFAULT_GEN_")) {
            await jsm.streams.delete(s.config.name).catch(() => {});
          }
        }
        await nc.close();
      }
    }
  },
  missing,
);
