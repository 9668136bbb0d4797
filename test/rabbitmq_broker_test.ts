/**
 * The RabbitMQBroker class against the machine's RabbitMQ (127.0.0.1:5672), its RabbitmqCluster
 * reference mapped to a Secret: the ingress answers 202 once RabbitMQ confirmed the event; each
 * trigger's queue delivers the events its filter passes (a function's reply going back into the
 * broker, to another trigger); a failing subscriber's events go through the trigger's dead-letter
 * queue to the dead-letter sink; a missing Secret, and RabbitMQ going away (a TCP forwarder closed),
 * make the broker NotReady with a reason, and Ready again.
 */
import assert from "node:assert/strict";
// @ts-types="npm:@types/amqplib@^0.10.7"
import amqp from "amqplib";
import { encodeHttpBinary } from "../platform/eventing/cloudevents/http_encode.ts";
import { FIXTURES, Platform } from "./harness.ts";
import { event, Sink } from "./event_sink.ts";
import { TcpForwarder } from "./tcp_forwarder.ts";
import { eventually, putResource, RABBITMQ, readiness, serverTest, unreachable } from "./queue_test_env.ts";

const EVENTING = "/apis/eventing.knative.dev/v1/namespaces/default";
const missing = await unreachable("RabbitMQ", RABBITMQ);

const trigger = (
  name: string,
  broker: string,
  type: string,
  subscriber: unknown,
  extra: Record<string, unknown> = {},
) => ({
  apiVersion: "eventing.knative.dev/v1",
  kind: "Trigger",
  metadata: { name, annotations: { "rabbitmq.eventing.knative.dev/parallelism": "4" } },
  spec: { broker, filter: { attributes: { type } }, subscriber, ...extra },
});

serverTest(
  "rabbitmq broker: an exchange per broker, a queue per trigger, dead letters through RabbitMQ",
  async (t) => {
    const sink = new Sink();
    const broker = `rb-${crypto.randomUUID().slice(0, 6)}`;
    const brokers = [broker];
    const forwarder = new TcpForwarder(RABBITMQ);
    const platform = await Platform.start({ functions: { "event-replier": `${FIXTURES}/event_replier` } });
    const ready = (path: string) =>
      eventually(`${path} Ready`, async () => {
        const r = await readiness(platform, path);
        return r.status === "True" ? r : undefined;
      });
    try {
      await t.step("without its Secret the broker is NotReady, saying so; with it, Ready", async () => {
        await putResource(platform, `${EVENTING}/brokers/${broker}`, {
          apiVersion: "eventing.knative.dev/v1",
          kind: "Broker",
          metadata: { name: broker, annotations: { "eventing.knative.dev/broker.class": "RabbitMQBroker" } },
          spec: { config: { apiVersion: "rabbitmq.com/v1beta1", kind: "RabbitmqCluster", name: "rabbitmq" } },
        });
        const noSecret = await eventually("NotReady for the Secret", async () => {
          const r = await readiness(platform, `${EVENTING}/brokers/${broker}`);
          return r.reason === "SecretNotFound" ? r : undefined;
        });
        assert.equal(noSecret.status, "False");
        await putResource(platform, "/api/v1/namespaces/default/secrets/rabbitmq", {
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: "rabbitmq" },
          stringData: {
            uri: `${RABBITMQ.hostname}`,
            port: String(RABBITMQ.port),
            username: "guest",
            password: "guest",
          },
        });
        await ready(`${EVENTING}/brokers/${broker}`);
      });

      await t.step(
        "filtered triggers deliver; replies go back into the broker; failures are dead-lettered",
        async () => {
          const ksvc = {
            ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "event-replier" },
          };
          await putResource(
            platform,
            `${EVENTING}/triggers/${broker}-pings`,
            trigger(`${broker}-pings`, broker, "ping", ksvc),
          );
          await putResource(
            platform,
            `${EVENTING}/triggers/${broker}-pongs`,
            trigger(`${broker}-pongs`, broker, "pong", { uri: sink.url("/pongs") }),
          );
          await putResource(
            platform,
            `${EVENTING}/triggers/${broker}-failing`,
            trigger(`${broker}-failing`, broker, "ping", { uri: sink.url("/fail503") }, {
              delivery: { retry: 1, backoffDelay: "PT0.01S", deadLetterSink: { uri: sink.url("/dead") } },
            }),
          );
          for (const name of ["pings", "pongs", "failing"]) {
            await ready(
              `${EVENTING}/triggers/${broker}-${name}`,
            );
          }
          const url = `http://127.0.0.1:${platform.port}/broker/default/${broker}`;
          for (let i = 0; i < 5; i++) {
            const encoded = encodeHttpBinary(event(`p${i}`, "ping"));
            const res = await fetch(url, { method: "POST", headers: encoded.headers, body: encoded.body });
            assert.equal(res.status, 202, await res.text());
          }
          await eventually(
            "5 pongs through the broker",
            () => Promise.resolve(sink.at("/pongs").length >= 5 || undefined),
            30_000,
          );
          assert.deepEqual(
            sink.at("/pongs").map((e) => e.id).sort(),
            [0, 1, 2, 3, 4].map((i) => `reply-to-p${i}`),
          );
          await eventually(
            "5 dead letters",
            () => Promise.resolve(sink.at("/dead").length >= 5 || undefined),
            30_000,
          );
          assert.equal(sink.at("/fail503").length, 10, "each event tried twice");
          for (const dead of sink.at("/dead")) assert.equal(dead.extensions?.knativeerrorcode, "503");
          const conn = await amqp.connect(`amqp://guest:guest@${RABBITMQ.hostname}:${RABBITMQ.port}`);
          const ch = await conn.createChannel();
          const q = await ch.checkQueue(`knative-trigger-default-${broker}-pings`);
          assert.equal(q.messageCount, 0, "the trigger's queue is drained and acknowledged");
          await conn.close();
        },
      );

      await t.step(
        "RabbitMQ going away makes the broker NotReady and its ingress 503, then Ready again",
        async () => {
          forwarder.open();
          const away = `${broker}-away`;
          brokers.push(away);
          await putResource(platform, "/api/v1/namespaces/default/secrets/via-forwarder", {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name: "via-forwarder" },
            stringData: { uri: `amqp://guest:guest@${forwarder.address}` },
          });
          await putResource(platform, `${EVENTING}/brokers/${away}`, {
            apiVersion: "eventing.knative.dev/v1",
            kind: "Broker",
            metadata: { name: away, annotations: { "eventing.knative.dev/broker.class": "RabbitMQBroker" } },
            spec: {
              config: { apiVersion: "rabbitmq.com/v1beta1", kind: "RabbitmqCluster", name: "via-forwarder" },
            },
          });
          await ready(`${EVENTING}/brokers/${away}`);
          forwarder.close();
          const down = await eventually("NotReady", async () => {
            const r = await readiness(platform, `${EVENTING}/brokers/${away}`);
            return r.status === "False" ? r : undefined;
          });
          assert.equal(down.reason, "BrokerUnreachable");
          const encoded = encodeHttpBinary(event("away", "ping"));
          const refused = await fetch(`http://127.0.0.1:${platform.port}/broker/default/${away}`, {
            method: "POST",
            headers: encoded.headers,
            body: encoded.body,
          });
          assert.equal(refused.status, 503);
          await refused.body?.cancel();
          forwarder.open();
          await ready(`${EVENTING}/brokers/${away}`);
        },
      );
    } finally {
      forwarder.close();
      await platform.stop();
      await sink.server.shutdown();
      const conn = await amqp.connect(`amqp://guest:guest@${RABBITMQ.hostname}:${RABBITMQ.port}`).catch(() =>
        undefined
      );
      if (conn) {
        const ch = await conn.createChannel();
        for (const name of ["pings", "pongs", "failing"]) {
          await ch.deleteQueue(`knative-trigger-default-${broker}-${name}`).catch(() => {});
          await ch.deleteQueue(`knative-trigger-default-${broker}-${name}-dlq`).catch(() => {});
        }
        for (const b of brokers) {
          await ch.deleteExchange(`knative-broker-default-${b}`).catch(() => {});
          await ch.deleteExchange(`knative-broker-default-${b}-dlx`).catch(() => {});
        }
        await conn.close().catch(() => {});
      }
    }
  },
  missing,
);
