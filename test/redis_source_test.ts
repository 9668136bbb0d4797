/**
 * RedisStreamSource against the machine's Redis (127.0.0.1:6379): entries reach a function as
 * events (plain entries wrapped, CloudEvent entries passed through, ceOverrides applied) and are
 * acknowledged; a failing sink is dead-lettered; Redis going away (a TCP forwarder closed) turns the
 * source NotReady and back; 1,000 entries survive a kill of the platform (each delivered, duplicates
 * no more than the counted redeliveries); a backlog scales the fed Service out and back to zero.
 */
import assert from "node:assert/strict";
import { createClient } from "redis";
import { FIXTURES, Platform, serviceDoc } from "./harness.ts";
import { Sink } from "./event_sink.ts";
import { TcpForwarder } from "./tcp_forwarder.ts";
import {
  dn,
  eventually,
  metric,
  putResource,
  readiness,
  REDIS,
  replicas,
  serverTest,
  serviceSink,
  survivesPlatformKill,
  unreachable,
} from "./queue_test_env.ts";

const SOURCES = "/apis/sources.knative.dev/v1alpha1/namespaces/default/redisstreamsources";
const RECORDER = "kafka-recorder";
const missing = await unreachable("Redis", REDIS);

const source = (name: string, spec: Record<string, unknown>, annotations?: Record<string, string>) => ({
  apiVersion: "sources.knative.dev/v1alpha1",
  kind: "RedisStreamSource",
  metadata: { name, ...(annotations ? { annotations } : {}) },
  spec,
});

async function redis() {
  const c = createClient({ url: `redis://${REDIS.hostname}:${REDIS.port}` });
  c.on("error", () => {});
  await c.connect();
  return c;
}

const streamName = (prefix: string) => `denative-test-${prefix}-${crypto.randomUUID().slice(0, 8)}`;

async function ready(platform: Platform, name: string) {
  return await eventually(`${name} Ready`, async () => {
    const r = await readiness(platform, `${SOURCES}/${name}`);
    return r.status === "True" ? r : undefined;
  });
}

interface Recording {
  count: number;
  events: { id: string; type: string; source: string; errorcode: string | null; data: string }[];
}

serverTest(
  "redis source: delivery, pass-through, dead letters and outages against a real Redis",
  async (t) => {
    const client = await redis();
    const sink = new Sink();
    const forwarder = new TcpForwarder(REDIS);
    forwarder.open();
    const streams: string[] = [];
    const platform = await Platform.start({ functions: { [RECORDER]: `${FIXTURES}/kafka_recorder` } });
    try {
      await t.step("entries reach a function as events and are acknowledged", async () => {
        const stream = streamName("basic");
        streams.push(stream);
        await putResource(
          platform,
          `${SOURCES}/basic`,
          source("basic", {
            address: `${REDIS.hostname}:${REDIS.port}`,
            stream,
            group: "g1",
            sink: serviceSink(RECORDER, "/basic"),
            ceOverrides: { extensions: { team: "blue" } },
          }),
        );
        await ready(platform, "basic");
        await client.xAdd(stream, "*", { greeting: "hello" });
        await client.xAdd(stream, "*", {
          specversion: "1.0",
          id: "orig-1",
          source: "/app",
          type: "com.example.passed",
          datacontenttype: "text/plain",
          data: "as is",
        });
        const got = await eventually("2 events", async () => {
          const res = await platform.call(RECORDER, "/basic");
          const r = await res.json() as Recording;
          return r.count >= 2 ? r : undefined;
        });
        assert.equal(got.events[0].type, "dev.knative.sources.redisstream");
        assert.deepEqual(JSON.parse(got.events[0].data), { greeting: "hello" });
        assert.match(got.events[0].source, new RegExp(`redisstreamsources/basic#${stream}$`));
        assert.equal(got.events[1].id, "orig-1");
        assert.equal(got.events[1].type, "com.example.passed");
        assert.equal(got.events[1].data, "as is");
        await eventually("both acknowledged", async () => {
          const groups = await client.xInfoGroups(stream) as unknown as { pending: number }[];
          return groups[0].pending === 0 ? true : undefined;
        });
      });

      await t.step("dn source redis create makes a source that is listed and becomes Ready", async () => {
        const stream = streamName("cli");
        streams.push(stream);
        const created = await dn(platform, [
          "source",
          "redis",
          "create",
          "from-cli",
          "--address",
          `${REDIS.hostname}:${REDIS.port}`,
          "--stream",
          stream,
          "--sink",
          `ksvc:${RECORDER}`,
        ]);
        assert.equal(created.code, 0, created.stderr);
        await ready(platform, "from-cli");
        const listed = await dn(platform, ["source", "list"]);
        assert.match(listed.stdout, /from-cli\s+RedisStreamSource/);
        const missingFlag = await dn(platform, [
          "source",
          "redis",
          "create",
          "bad",
          "--stream",
          "s",
          "--sink",
          "ksvc:x",
        ]);
        assert.notEqual(missingFlag.code, 0);
        assert.match(missingFlag.stderr, /--address is required/);
      });

      await t.step("a failing sink is retried, then dead-lettered, and the entry acknowledged", async () => {
        const stream = streamName("dead");
        streams.push(stream);
        await putResource(
          platform,
          `${SOURCES}/dead`,
          source("dead", {
            address: `${REDIS.hostname}:${REDIS.port}`,
            stream,
            sink: { uri: sink.url("/fail503") },
            ceOverrides: { extensions: { team: "blue" } },
            delivery: { retry: 1, backoffDelay: "PT0.01S", deadLetterSink: { uri: sink.url("/dead") } },
          }),
        );
        await ready(platform, "dead");
        await client.xAdd(stream, "*", { n: "1" });
        await eventually("a dead letter", () => Promise.resolve(sink.at("/dead").length === 1 || undefined));
        assert.equal(sink.at("/fail503").length, 2);
        assert.equal(sink.at("/fail503")[0].extensions?.team, "blue", "ceOverrides apply");
        assert.equal(sink.at("/dead")[0].extensions?.knativeerrorcode, "503");
        assert.equal(
          await metric(platform, "denative_redisstreamsource_events_total", {
            redisstreamsource: "dead",
            result: "dead_lettered",
          }),
          1,
        );
      });

      await t.step(
        "Redis going away makes the source NotReady, and Ready again when it returns",
        async () => {
          const stream = streamName("outage");
          streams.push(stream);
          await putResource(
            platform,
            `${SOURCES}/outage`,
            source("outage", { address: forwarder.address, stream, sink: { uri: sink.url("/outage") } }),
          );
          await ready(platform, "outage");
          forwarder.close();
          const down = await eventually("NotReady", async () => {
            const r = await readiness(platform, `${SOURCES}/outage`);
            return r.status === "False" ? r : undefined;
          });
          assert.equal(down.reason, "ServerUnreachable");
          await client.xAdd(stream, "*", { while: "away" });
          forwarder.open();
          await ready(platform, "outage");
          await eventually(
            "the entry written while away",
            () => Promise.resolve(sink.at("/outage").length === 1 || undefined),
          );
        },
      );
    } finally {
      forwarder.close();
      await platform.stop();
      await sink.server.shutdown();
      for (const s of streams) await client.del(s);
      await client.close();
    }
  },
  missing,
);

serverTest("redis source: 1,000 entries survive a kill of the platform", async () => {
  const client = await redis();
  const stream = streamName("crash");
  try {
    await survivesPlatformKill({
      units: "entries",
      apply: async (platform, uri) => {
        await putResource(
          platform,
          `${SOURCES}/crash`,
          source("crash", { address: `${REDIS.hostname}:${REDIS.port}`, stream, sink: { uri } }),
        );
        await ready(platform, "crash");
      },
      publish: async (total) => {
        for (let i = 0; i < total; i += 100) {
          await Promise.all(
            Array.from({ length: 100 }, (_, j) => client.xAdd(stream, "*", { n: String(i + j) })),
          );
        }
      },
      drained: async () => {
        const groups = await client.xInfoGroups(stream) as unknown as { pending: number; lag: number }[];
        return groups[0].pending === 0 && groups[0].lag === 0;
      },
      redeliveries: {
        metric: "denative_redisstreamsource_events_total",
        labels: { redisstreamsource: "crash" },
      },
    });
  } finally {
    await client.del(stream);
    await client.close();
  }
}, missing);

serverTest("redis source: a backlog scales the fed Service out, then back to zero", async () => {
  const client = await redis();
  const stream = streamName("backlog");
  const platform = await Platform.start({ env: { DENATIVE_SCALE_TO_ZERO_GRACE_PERIOD: "1s" } });
  try {
    const image = await platform.uploadBundle(`${FIXTURES}/slow`);
    await platform.putService(
      serviceDoc("backlogged", image, { annotations: { "autoscaling.knative.dev/window": "6s" } }),
    );
    await platform.settled("backlogged");
    await client.xGroupCreate(stream, "g", "$", { MKSTREAM: true });
    const total = 400;
    for (let i = 0; i < total; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, j) => client.xAdd(stream, "*", { n: String(i + j) })),
      );
    }
    await putResource(
      platform,
      `${SOURCES}/backlog`,
      source("backlog", {
        address: `${REDIS.hostname}:${REDIS.port}`,
        stream,
        group: "g",
        sink: serviceSink("backlogged", "/?ms=100"),
      }),
    );
    const seen: number[] = [];
    await eventually(
      "the backlog to scale the Service out",
      async () => {
        const n = await replicas(platform, "backlogged-00001");
        seen.push(n);
        return n > 1 ? n : undefined;
      },
      20_000,
      250,
    );
    console.log(`  replicas while the backlog drains: ${seen.join(",")}`);
    await eventually(
      "the backlog consumed",
      async () => {
        const groups = await client.xInfoGroups(stream) as unknown as { pending: number; lag: number }[];
        return groups[0].pending === 0 && groups[0].lag === 0 ? true : undefined;
      },
      60_000,
      250,
    );
    await eventually(
      "the Service back to zero",
      async () => await replicas(platform, "backlogged-00001") === 0 ? true : undefined,
      30_000,
      250,
    );
  } finally {
    await platform.stop();
    await client.del(stream);
    await client.close();
  }
}, missing);
