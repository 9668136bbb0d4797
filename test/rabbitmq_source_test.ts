/**
 * RabbitmqSource against the machine's RabbitMQ (127.0.0.1:5672, guest/guest), connected through a
 * Secret holding the AMQP URI: messages reach a function as events (plain ones wrapped, CloudEvents
 * passed through) and are acknowledged; a failing sink is dead-lettered; a missing Secret and
 * RabbitMQ going away (a TCP forwarder closed) turn the source NotReady with a reason, and Ready
 * again; 1,000 messages survive a kill of the platform (duplicates no more than the counted
 * redeliveries); a queue backlog scales the fed Service out and back to zero.
 */
import assert from "node:assert/strict";
// @ts-types="npm:@types/amqplib@^0.10.7"
import amqp from "amqplib";
import { Buffer } from "node:buffer";
import { FIXTURES, Platform, serviceDoc } from "./harness.ts";
import { Sink } from "./event_sink.ts";
import { TcpForwarder } from "./tcp_forwarder.ts";
import {
  dn,
  eventually,
  metric,
  putResource,
  RABBITMQ,
  readiness,
  replicas,
  serverTest,
  serviceSink,
  survivesPlatformKill,
  unreachable,
} from "./queue_test_env.ts";

const SOURCES = "/apis/sources.knative.dev/v1alpha1/namespaces/default/rabbitmqsources";
const SECRETS = "/api/v1/namespaces/default/secrets";
const RECORDER = "kafka-recorder";
const AMQP = `amqp://guest:guest@${RABBITMQ.hostname}:${RABBITMQ.port}`;
const missing = await unreachable("RabbitMQ", RABBITMQ);

const unique = (prefix: string) => `denative-test-${prefix}-${crypto.randomUUID().slice(0, 8)}`;

function source(
  name: string,
  exchange: string,
  queue: string,
  sink: unknown,
  extra: Record<string, unknown> = {},
) {
  const { secret = "rabbit", parallelism, ...rest } = extra as { secret?: string; parallelism?: number };
  return {
    apiVersion: "sources.knative.dev/v1alpha1",
    kind: "RabbitmqSource",
    metadata: { name },
    spec: {
      rabbitmqClusterReference: { connectionSecret: { name: secret } },
      rabbitmqResourcesConfig: {
        exchangeName: exchange,
        queueName: queue,
        ...(parallelism ? { parallelism } : {}),
      },
      sink,
      ...rest,
    },
  };
}

async function putSecret(platform: Platform, name: string, uri: string) {
  await putResource(platform, `${SECRETS}/${name}`, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name },
    stringData: { uri },
  });
}

async function ready(platform: Platform, name: string) {
  return await eventually(`${name} Ready`, async () => {
    const r = await readiness(platform, `${SOURCES}/${name}`);
    return r.status === "True" ? r : undefined;
  });
}

interface Recording {
  count: number;
  events: { id: string; type: string; source: string; data: string }[];
}

class Rabbit {
  private constructor(readonly connection: amqp.ChannelModel, readonly channel: amqp.ConfirmChannel) {}
  static async connect() {
    const connection = await amqp.connect(AMQP);
    return new Rabbit(connection, await connection.createConfirmChannel());
  }
  publish(exchange: string, body: string, options: amqp.Options.Publish = {}) {
    this.channel.publish(exchange, "", Buffer.from(body), { persistent: true, ...options });
  }
  async queueDepth(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }
  async cleanup(exchanges: string[], queues: string[]) {
    for (const q of queues) await this.channel.deleteQueue(q).catch(() => {});
    for (const e of exchanges) await this.channel.deleteExchange(e).catch(() => {});
    await this.connection.close().catch(() => {});
  }
}

serverTest(
  "rabbitmq source: delivery, pass-through, dead letters and outages against a real RabbitMQ",
  async (t) => {
    const rabbit = await Rabbit.connect();
    const sink = new Sink();
    const forwarder = new TcpForwarder(RABBITMQ);
    forwarder.open();
    const exchanges: string[] = [];
    const queues: string[] = [];
    const names = (p: string) => {
      const e = unique(`${p}-ex`), q = unique(`${p}-q`);
      exchanges.push(e);
      queues.push(q);
      return [e, q];
    };
    const platform = await Platform.start({ functions: { [RECORDER]: `${FIXTURES}/kafka_recorder` } });
    try {
      await putSecret(platform, "rabbit", AMQP);
      await t.step("messages reach a function as events and are acknowledged", async () => {
        const [ex, q] = names("basic");
        await putResource(
          platform,
          `${SOURCES}/basic`,
          source("basic", ex, q, serviceSink(RECORDER, "/basic")),
        );
        await ready(platform, "basic");
        rabbit.publish(ex, '{"hello":"rabbit"}', { contentType: "application/json", messageId: "m-1" });
        rabbit.publish(ex, "as is", {
          contentType: "text/plain",
          headers: {
            "cloudEvents:specversion": "1.0",
            "cloudEvents:id": "orig-1",
            "cloudEvents:source": "/app",
            "cloudEvents:type": "com.example.passed",
          },
        });
        await rabbit.channel.waitForConfirms();
        const got = await eventually("2 events", async () => {
          const r = await (await platform.call(RECORDER, "/basic")).json() as Recording;
          return r.count >= 2 ? r : undefined;
        });
        const byId = new Map(got.events.map((e) => [e.id, e]));
        assert.equal(byId.get("m-1")?.type, "dev.knative.rabbitmq.event");
        assert.equal(byId.get("m-1")?.data, '{"hello":"rabbit"}');
        assert.equal(byId.get("orig-1")?.type, "com.example.passed");
        assert.equal(byId.get("orig-1")?.data, "as is");
        await eventually(
          "the queue empty",
          async () => (await rabbit.queueDepth(q)) === 0 ? true : undefined,
        );
      });

      await t.step("dn source rabbitmq create makes a source that becomes Ready", async () => {
        const [ex, q] = names("cli");
        const created = await dn(platform, [
          "source",
          "rabbitmq",
          "create",
          "from-cli",
          "--secret",
          "rabbit",
          "--exchange-name",
          ex,
          "--queue-name",
          q,
          "--parallelism",
          "5",
          "--sink",
          `ksvc:${RECORDER}`,
        ]);
        assert.equal(created.code, 0, created.stderr);
        await ready(platform, "from-cli");
      });

      await t.step(
        "a failing sink is retried, then dead-lettered, and the message acknowledged",
        async () => {
          const [ex, q] = names("dead");
          await putResource(
            platform,
            `${SOURCES}/dead`,
            source("dead", ex, q, { uri: sink.url("/fail503") }, {
              ceOverrides: { extensions: { team: "blue" } },
              delivery: { retry: 1, backoffDelay: "PT0.01S", deadLetterSink: { uri: sink.url("/dead") } },
            }),
          );
          await ready(platform, "dead");
          rabbit.publish(ex, "x");
          await eventually(
            "a dead letter",
            () => Promise.resolve(sink.at("/dead").length === 1 || undefined),
          );
          assert.equal(sink.at("/fail503").length, 2);
          assert.equal(sink.at("/fail503")[0].extensions?.team, "blue", "ceOverrides apply");
          assert.equal(sink.at("/dead")[0].extensions?.knativeerrorcode, "503");
          assert.equal(
            await metric(platform, "denative_rabbitmqsource_events_total", {
              rabbitmqsource: "dead",
              result: "dead_lettered",
            }),
            1,
          );
        },
      );

      await t.step(
        "a missing Secret, then RabbitMQ going away, make the source NotReady with a reason",
        async () => {
          const [ex, q] = names("outage");
          await putResource(
            platform,
            `${SOURCES}/outage`,
            source("outage", ex, q, { uri: sink.url("/outage") }, { secret: "via-forwarder" }),
          );
          const noSecret = await eventually("NotReady for the Secret", async () => {
            const r = await readiness(platform, `${SOURCES}/outage`);
            return r.reason === "SecretNotFound" ? r : undefined;
          });
          assert.equal(noSecret.status, "False");
          await putSecret(platform, "via-forwarder", `amqp://guest:guest@${forwarder.address}`);
          await ready(platform, "outage");
          forwarder.close();
          const down = await eventually("NotReady", async () => {
            const r = await readiness(platform, `${SOURCES}/outage`);
            return r.status === "False" ? r : undefined;
          });
          assert.equal(down.reason, "ServerUnreachable");
          rabbit.publish(ex, "while away");
          forwarder.open();
          await ready(platform, "outage");
          await eventually(
            "the message sent while away",
            () => Promise.resolve(sink.at("/outage").length === 1 || undefined),
          );
        },
      );
    } finally {
      forwarder.close();
      await platform.stop();
      await sink.server.shutdown();
      await rabbit.cleanup(exchanges, queues);
    }
  },
  missing,
);

serverTest("rabbitmq source: 1,000 messages survive a kill of the platform", async () => {
  const rabbit = await Rabbit.connect();
  const ex = unique("crash-ex"), q = unique("crash-q");
  try {
    await survivesPlatformKill({
      units: "messages",
      apply: async (platform, uri) => {
        await putSecret(platform, "rabbit", AMQP);
        await putResource(platform, `${SOURCES}/crash`, source("crash", ex, q, { uri }, { parallelism: 20 }));
        await ready(platform, "crash");
      },
      publish: async (total) => {
        for (let i = 0; i < total; i++) rabbit.publish(ex, `m${i}`, { messageId: `m${i}` });
        await rabbit.channel.waitForConfirms();
      },
      drained: async () => (await rabbit.queueDepth(q)) === 0,
      redeliveries: { metric: "denative_rabbitmqsource_events_total", labels: { rabbitmqsource: "crash" } },
    });
  } finally {
    await rabbit.cleanup([ex], [q]);
  }
}, missing);

serverTest("rabbitmq source: a queue backlog scales the fed Service out, then back to zero", async () => {
  const rabbit = await Rabbit.connect();
  const ex = unique("backlog-ex"), q = unique("backlog-q");
  const platform = await Platform.start({ env: { DENATIVE_SCALE_TO_ZERO_GRACE_PERIOD: "1s" } });
  try {
    await putSecret(platform, "rabbit", AMQP);
    const image = await platform.uploadBundle(`${FIXTURES}/slow`);
    await platform.putService(
      serviceDoc("queued", image, { annotations: { "autoscaling.knative.dev/window": "6s" } }),
    );
    await platform.settled("queued");
    await rabbit.channel.assertExchange(ex, "fanout", { durable: true });
    await rabbit.channel.assertQueue(q, { durable: true });
    await rabbit.channel.bindQueue(q, ex, "");
    const total = 400;
    for (let i = 0; i < total; i++) rabbit.publish(ex, `b${i}`);
    await rabbit.channel.waitForConfirms();
    await putResource(
      platform,
      `${SOURCES}/backlog`,
      source("backlog", ex, q, serviceSink("queued", "/?ms=100"), { parallelism: 32 }),
    );
    const seen: number[] = [];
    await eventually(
      "the backlog to scale the Service out",
      async () => {
        const n = await replicas(platform, "queued-00001");
        seen.push(n);
        return n > 1 ? n : undefined;
      },
      20_000,
      250,
    );
    console.log(`  replicas while the queue drains: ${seen.join(",")}`);
    await eventually(
      "the queue drained",
      async () => (await rabbit.queueDepth(q)) === 0 ? true : undefined,
      60_000,
      250,
    );
    await eventually(
      "the Service back to zero",
      async () => await replicas(platform, "queued-00001") === 0 ? true : undefined,
      30_000,
      250,
    );
  } finally {
    await platform.stop();
    await rabbit.cleanup([ex], [q]);
  }
}, missing);
