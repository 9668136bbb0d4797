/**
 * NatsJetStreamSource against the machine's NATS with JetStream (127.0.0.1:4222): messages of a
 * stream reach a function as events (plain ones wrapped, CloudEvents passed through) and are
 * acknowledged; a failing sink is dead-lettered; NATS going away (a TCP forwarder closed) turns the
 * source NotReady and back; 1,000 messages survive a kill of the platform (duplicates no more than
 * the counted redeliveries); a backlog scales the fed Service out and back to zero.
 */
import assert from "node:assert/strict";
import { connect, headers as natsHeaders, type NatsConnection } from "nats";
import { FIXTURES, Platform, serviceDoc } from "./harness.ts";
import { Sink } from "./event_sink.ts";
import { TcpForwarder } from "./tcp_forwarder.ts";
import {
  dn,
  eventually,
  metric,
  NATS,
  putResource,
  readiness,
  replicas,
  serverTest,
  serviceSink,
  survivesPlatformKill,
  unreachable,
} from "./queue_test_env.ts";

const SOURCES = "/apis/sources.knative.dev/v1alpha1/namespaces/default/natsjetstreamsources";
const RECORDER = "kafka-recorder";
const SERVERS = `nats://${NATS.hostname}:${NATS.port}`;
const missing = await unreachable("NATS", NATS);

const source = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: "sources.knative.dev/v1alpha1",
  kind: "NatsJetStreamSource",
  metadata: { name },
  spec,
});

class Js {
  private constructor(readonly nc: NatsConnection, readonly streams: string[] = []) {}
  static async connect() {
    return new Js(await connect({ servers: SERVERS }));
  }
  async stream(prefix: string): Promise<string> {
    const name = `DENATIVE_TEST_${prefix}_${crypto.randomUUID().slice(0, 8)}`.toUpperCase();
    await (await this.nc.jetstreamManager()).streams.add({ name, subjects: [`${name}.>`] });
    this.streams.push(name);
    return name;
  }
  async publish(stream: string, body: string, ce?: Record<string, string>) {
    const h = natsHeaders();
    for (const [k, v] of Object.entries(ce ?? {})) h.set(k, v);
    await this.nc.jetstream().publish(`${stream}.in`, new TextEncoder().encode(body), { headers: h });
  }
  async pending(stream: string, consumer: string): Promise<number> {
    const info = await (await this.nc.jetstreamManager()).consumers.info(stream, consumer);
    return info.num_pending + info.num_ack_pending;
  }
  async close() {
    const jsm = await this.nc.jetstreamManager();
    for (const s of this.streams) await jsm.streams.delete(s).catch(() => {});
    await this.nc.close();
  }
}

async function ready(platform: Platform, name: string) {
  return await eventually(`${name} Ready`, async () => {
    const r = await readiness(platform, `${SOURCES}/${name}`);
    return r.status === "True" ? r : undefined;
  });
}

interface Recording {
  count: number;
  events: { id: string; type: string; subject: string; data: string }[];
}

serverTest(
  "nats source: delivery, pass-through, dead letters and outages against a real JetStream",
  async (t) => {
    const js = await Js.connect();
    const sink = new Sink();
    const forwarder = new TcpForwarder(NATS);
    forwarder.open();
    const platform = await Platform.start({ functions: { [RECORDER]: `${FIXTURES}/kafka_recorder` } });
    try {
      await t.step("stream messages reach a function as events and are acknowledged", async () => {
        const stream = await js.stream("basic");
        await putResource(
          platform,
          `${SOURCES}/basic`,
          source("basic", { stream, sink: serviceSink(RECORDER, "/basic") }),
        );
        await ready(platform, "basic");
        await js.publish(stream, "plain");
        await js.publish(stream, "as is", {
          "ce-specversion": "1.0",
          "ce-id": "orig-1",
          "ce-source": "/app",
          "ce-type": "com.example.passed",
          "content-type": "text/plain",
        });
        const got = await eventually("2 events", async () => {
          const r = await (await platform.call(RECORDER, "/basic")).json() as Recording;
          return r.count >= 2 ? r : undefined;
        });
        assert.equal(got.events[0].type, "dev.knative.sources.natsjetstream");
        assert.equal(got.events[0].id, `${stream}/1`);
        assert.equal(got.events[0].subject, `${stream}.in`);
        assert.equal(got.events[0].data, "plain");
        assert.equal(got.events[1].id, "orig-1");
        assert.equal(got.events[1].data, "as is");
        await eventually(
          "acknowledged",
          async () =>
            (await js.pending(stream, "knative-nats-source-default-basic")) === 0 ? true : undefined,
        );
      });

      await t.step("dn source nats create makes a source that becomes Ready", async () => {
        const stream = await js.stream("cli");
        const created = await dn(platform, [
          "source",
          "nats",
          "create",
          "from-cli",
          "--servers",
          SERVERS,
          "--stream",
          stream,
          "--sink",
          `ksvc:${RECORDER}`,
        ]);
        assert.equal(created.code, 0, created.stderr);
        await ready(platform, "from-cli");
      });

      await t.step(
        "a failing sink is retried, then dead-lettered, and the message acknowledged",
        async () => {
          const stream = await js.stream("dead");
          await putResource(
            platform,
            `${SOURCES}/dead`,
            source("dead", {
              stream,
              sink: { uri: sink.url("/fail503") },
              ceOverrides: { extensions: { team: "blue" } },
              delivery: { retry: 1, backoffDelay: "PT0.01S", deadLetterSink: { uri: sink.url("/dead") } },
            }),
          );
          await ready(platform, "dead");
          await js.publish(stream, "x");
          await eventually(
            "a dead letter",
            () => Promise.resolve(sink.at("/dead").length === 1 || undefined),
          );
          assert.equal(sink.at("/fail503").length, 2);
          assert.equal(sink.at("/fail503")[0].extensions?.team, "blue", "ceOverrides apply");
          assert.equal(
            await metric(platform, "denative_natsjetstreamsource_events_total", {
              natsjetstreamsource: "dead",
              result: "dead_lettered",
            }),
            1,
          );
        },
      );

      await t.step(
        "a missing stream, then NATS going away, make the source NotReady with a reason",
        async () => {
          await putResource(
            platform,
            `${SOURCES}/nostream`,
            source("nostream", { stream: "DENATIVE_NO_SUCH_STREAM", sink: { uri: sink.url("/x") } }),
          );
          const noStream = await eventually("NotReady for the stream", async () => {
            const r = await readiness(platform, `${SOURCES}/nostream`);
            return r.reason === "StreamNotFound" ? r : undefined;
          });
          assert.equal(noStream.status, "False");
          const stream = await js.stream("outage");
          await putResource(
            platform,
            `${SOURCES}/outage`,
            source("outage", {
              servers: `nats://${forwarder.address}`,
              stream,
              sink: { uri: sink.url("/outage") },
            }),
          );
          await ready(platform, "outage");
          forwarder.close();
          const down = await eventually("NotReady", async () => {
            const r = await readiness(platform, `${SOURCES}/outage`);
            return r.status === "False" ? r : undefined;
          });
          assert.equal(down.reason, "ServerUnreachable");
          await js.publish(stream, "while away");
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
      await js.close();
    }
  },
  missing,
);

serverTest("nats source: 1,000 messages survive a kill of the platform", async () => {
  const js = await Js.connect();
  try {
    const stream = await js.stream("crash");
    await survivesPlatformKill({
      units: "messages",
      apply: async (platform, uri) => {
        await putResource(platform, `${SOURCES}/crash`, source("crash", { stream, sink: { uri } }));
        await ready(platform, "crash");
      },
      publish: async (total) => {
        for (let i = 0; i < total; i += 100) {
          await Promise.all(Array.from({ length: 100 }, (_, j) => js.publish(stream, `m${i + j}`)));
        }
      },
      drained: async () => (await js.pending(stream, "knative-nats-source-default-crash")) === 0,
      redeliveries: {
        metric: "denative_natsjetstreamsource_events_total",
        labels: { natsjetstreamsource: "crash" },
      },
    });
  } finally {
    await js.close();
  }
}, missing);

serverTest("nats source: a backlog scales the fed Service out, then back to zero", async () => {
  const js = await Js.connect();
  const platform = await Platform.start({ env: { DENATIVE_SCALE_TO_ZERO_GRACE_PERIOD: "1s" } });
  try {
    const image = await platform.uploadBundle(`${FIXTURES}/slow`);
    await platform.putService(
      serviceDoc("streamed", image, { annotations: { "autoscaling.knative.dev/window": "6s" } }),
    );
    await platform.settled("streamed");
    const stream = await js.stream("backlog");
    const total = 400;
    for (let i = 0; i < total; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, j) => js.publish(stream, `b${i + j}`)));
    }
    await putResource(
      platform,
      `${SOURCES}/backlog`,
      source("backlog", { stream, sink: serviceSink("streamed", "/?ms=100") }),
    );
    const seen: number[] = [];
    await eventually(
      "the backlog to scale the Service out",
      async () => {
        const n = await replicas(platform, "streamed-00001");
        seen.push(n);
        return n > 1 ? n : undefined;
      },
      20_000,
      250,
    );
    console.log(`  replicas while the stream drains: ${seen.join(",")}`);
    await eventually(
      "the backlog consumed",
      async () => (await js.pending(stream, "knative-nats-source-default-backlog")) === 0 ? true : undefined,
      60_000,
      250,
    );
    await eventually(
      "the Service back to zero",
      async () => await replicas(platform, "streamed-00001") === 0 ? true : undefined,
      30_000,
      250,
    );
  } finally {
    await platform.stop();
    await js.close();
  }
}, missing);
