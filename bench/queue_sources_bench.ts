/**
 * Throughput of the RedisStreamSource, RabbitmqSource and NatsJetStreamSource to a function (one
 * instance of the recorder), each beside a bare client doing the same HTTP deliveries to the same
 * function through the data port with as many messages in flight (bare_queue_http.ts), on the same
 * messages count in the same run; and the end-to-end latency of a Sequence of 3 steps (POST into its
 * address until the final reply reaches a server in this process), one event at a time. Rates run
 * from the first delivery to the last, so connecting and cold starts are left out. Each server gets
 * several rounds (fresh messages each), bare and source back to back in alternating order, and the
 * ratio is the median of the rounds' ratios: this shared machine's load drifts within seconds, and
 * one pair alone ranged from 0.3 to 1.5 ×. Servers that do not answer are reported as not measured.
 *
 * Run alone: `BENCH_ONLY=sources deno task bench`, or `deno run --allow-all --unstable-worker-options
 * --unstable-no-legacy-abort bench/queue_sources_bench.ts` (knobs: BENCH_QUEUE_MESSAGES,
 * BENCH_QUEUE_ROUNDS, BENCH_SEQUENCE_EVENTS).
 */
// @ts-types="npm:@types/amqplib@^0.10.7"
import amqp from "amqplib";
import { Buffer } from "node:buffer";
import { createClient } from "redis";
import { connect } from "nats";
import { FIXTURES, Platform } from "../test/harness.ts";
import { NATS, RABBITMQ, REDIS, unreachable } from "../test/queue_test_env.ts";
import { REDIS_SOURCE_IN_FLIGHT } from "../platform/redis/redis_stream_source.ts";
import { DEFAULT_NATS_IN_FLIGHT } from "../platform/nats/nats_jetstream_source.ts";
import { bareNatsSeconds, bareRabbitmqSeconds, bareRedisSeconds } from "./bare_queue_http.ts";
import { percentile } from "./stats.ts";
import { cpuSeconds, processTree } from "./proc.ts";

export const QUEUE_SOURCE_TARGET = { ratioToBare: 0.8 };
const RABBITMQ_PARALLELISM = 32;
const RECORDER = "kafka-recorder";
const SOURCES = "/apis/sources.knative.dev/v1alpha1/namespaces/default";

export interface QueueSourceRow {
  server: string;
  messages: number;
  inFlight: number;
  /** Medians over the rounds. */
  bareEventsPerSecond: number;
  sourceEventsPerSecond: number;
  /** The median of the rounds' source / bare ratios. */
  ratio: number;
  /** Each round's source / bare ratio. */
  ratios: number[];
  /** Medians over the rounds of the CPU per message of the platform and the bare client together, µs. */
  bareCpuMicrosPerEvent: number;
  sourceCpuMicrosPerEvent: number;
}

/** One round of one server: events/s of the bare client and of the source on the same number of messages. */
interface Round {
  bare: number;
  source: number;
  /** CPU per message of this process tree (the platform and the bare client), µs. */
  bareCpuMicros: number;
  sourceCpuMicros: number;
}

/**
 * Runs `run` and measures the CPU this bench's whole process tree (the platform, its pool hosts, and
 * this process, where the bare client runs) spent meanwhile, per message: steady where the rates are
 * not, since it does not depend on what else the machine runs.
 */
async function withCpu(messages: number, run: () => Promise<number>) {
  const before = new Map(processTree(Deno.pid).map((p) => [p, cpuSeconds(p)]));
  const rate = await run();
  let cpu = 0;
  for (const p of processTree(Deno.pid)) cpu += cpuSeconds(p) - (before.get(p) ?? 0);
  return { rate, cpuMicros: (cpu / messages) * 1e6 };
}

/** Runs bare first on even rounds, the source first on odd ones (so neither always runs in the other's wake). */
async function inOrder(
  messages: number,
  round: number,
  bare: () => Promise<number>,
  source: () => Promise<number>,
): Promise<Round> {
  const measureBare = () => withCpu(messages, bare);
  const measureSource = () => withCpu(messages, source);
  const [b, s] = round % 2 === 0
    ? [await measureBare(), await measureSource()]
    : await measureSource().then(async (first) => [await measureBare(), first]);
  return { bare: b.rate, source: s.rate, bareCpuMicros: b.cpuMicros, sourceCpuMicros: s.cpuMicros };
}

async function remove(platform: Platform, path: string) {
  await platform.adminJson(path, { method: "DELETE" }).catch(() => {});
}

export interface QueueSourcesBenchResult {
  sources: (QueueSourceRow | { server: string; notMeasured: string })[];
  sequence?: { steps: number; events: number; p50Ms: number; p99Ms: number };
  target: typeof QUEUE_SOURCE_TARGET;
}

async function put(platform: Platform, path: string, doc: unknown) {
  await platform.adminJson(path, {
    method: "PUT",
    body: JSON.stringify(doc),
    headers: { "content-type": "application/json" },
  });
}

/** The recorder's rate for a bucket once it holds `count` events: events / (lastAt - firstAt). */
async function recorderRate(platform: Platform, bucket: string, count: number): Promise<number> {
  const end = Date.now() + 180_000;
  while (Date.now() < end) {
    const r = await (await platform.call(RECORDER, `/${bucket}?summary`)).json() as {
      count: number;
      firstAt: number;
      lastAt: number;
    };
    if (r.count >= count) return (r.count - 1) / ((r.lastAt - r.firstAt) / 1000);
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`the recorder got fewer than ${count} events at /${bucket}`);
}

const bucketUrl = (platform: Platform, bucket: string) =>
  `http://127.0.0.1:${platform.port}/function/${RECORDER}/${bucket}`;
const sink = (bucket: string) => ({
  ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: RECORDER },
  uri: `/${bucket}`,
});

async function redisRound(platform: Platform, messages: number, round: number): Promise<Round> {
  const client = createClient({ url: `redis://${REDIS.hostname}:${REDIS.port}` });
  client.on("error", () => {});
  await client.connect();
  const stream = `denative-bench-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await client.xGroupCreate(stream, "bare", "0", { MKSTREAM: true });
    await client.xGroupCreate(stream, "source", "0");
    for (let i = 0; i < messages; i += 500) {
      await Promise.all(
        Array.from(
          { length: Math.min(500, messages - i) },
          (_, j) => client.xAdd(stream, "*", { n: String(i + j) }),
        ),
      );
    }
    const bare = async () =>
      messages / await bareRedisSeconds(
        stream,
        "bare",
        messages,
        REDIS_SOURCE_IN_FLIGHT,
        bucketUrl(platform, `bare-redis-${round}`),
      );
    const source = async () => {
      await put(platform, `${SOURCES}/redisstreamsources/bench-${round}`, {
        apiVersion: "sources.knative.dev/v1alpha1",
        kind: "RedisStreamSource",
        metadata: { name: `bench-${round}` },
        spec: {
          address: `${REDIS.hostname}:${REDIS.port}`,
          stream,
          group: "source",
          sink: sink(`src-redis-${round}`),
        },
      });
      return await recorderRate(platform, `src-redis-${round}`, messages);
    };
    return await inOrder(messages, round, bare, source);
  } finally {
    await remove(platform, `${SOURCES}/redisstreamsources/bench-${round}`);
    await client.del(stream);
    await client.close();
  }
}

async function rabbitmqRound(platform: Platform, messages: number, round: number): Promise<Round> {
  const connection = await amqp.connect(`amqp://guest:guest@${RABBITMQ.hostname}:${RABBITMQ.port}`);
  const channel = await connection.createConfirmChannel();
  const id = crypto.randomUUID().slice(0, 8);
  const exchange = `denative-bench-${id}`,
    bareQueue = `denative-bench-bare-${id}`,
    sourceQueue = `denative-bench-src-${id}`;
  try {
    await channel.assertExchange(exchange, "fanout", { durable: true });
    for (const q of [bareQueue, sourceQueue]) {
      await channel.assertQueue(q, { durable: true });
      await channel.bindQueue(q, exchange, "");
    }
    for (let i = 0; i < messages; i++) {
      channel.publish(exchange, "", Buffer.from(`m${i}`), { messageId: `m${i}`, persistent: true });
    }
    await channel.waitForConfirms();
    const inFlight = RABBITMQ_PARALLELISM;
    const bare = async () =>
      messages /
      await bareRabbitmqSeconds(bareQueue, messages, inFlight, bucketUrl(platform, `bare-rabbitmq-${round}`));
    await put(platform, "/api/v1/namespaces/default/secrets/bench-rabbit", {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "bench-rabbit" },
      stringData: { uri: `amqp://guest:guest@${RABBITMQ.hostname}:${RABBITMQ.port}` },
    });
    const source = async () => {
      await put(platform, `${SOURCES}/rabbitmqsources/bench-${round}`, {
        apiVersion: "sources.knative.dev/v1alpha1",
        kind: "RabbitmqSource",
        metadata: { name: `bench-${round}` },
        spec: {
          rabbitmqClusterReference: { connectionSecret: { name: "bench-rabbit" } },
          rabbitmqResourcesConfig: { predeclared: true, queueName: sourceQueue, parallelism: inFlight },
          sink: sink(`src-rabbitmq-${round}`),
        },
      });
      return await recorderRate(platform, `src-rabbitmq-${round}`, messages);
    };
    return await inOrder(messages, round, bare, source);
  } finally {
    await remove(platform, `${SOURCES}/rabbitmqsources/bench-${round}`);
    for (const q of [bareQueue, sourceQueue]) await channel.deleteQueue(q).catch(() => {});
    await channel.deleteExchange(exchange).catch(() => {});
    await connection.close().catch(() => {});
  }
}

async function natsRound(platform: Platform, messages: number, round: number): Promise<Round> {
  const nc = await connect({ servers: `${NATS.hostname}:${NATS.port}` });
  const jsm = await nc.jetstreamManager();
  const stream = `DENATIVE_BENCH_${crypto.randomUUID().slice(0, 8).toUpperCase()}`;
  try {
    await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
    const js = nc.jetstream();
    for (let i = 0; i < messages; i += 500) {
      await Promise.all(
        Array.from(
          { length: Math.min(500, messages - i) },
          (_, j) => js.publish(`${stream}.in`, new TextEncoder().encode(`m${i + j}`)),
        ),
      );
    }
    const bare = async () =>
      messages /
      await bareNatsSeconds(
        stream,
        messages,
        DEFAULT_NATS_IN_FLIGHT,
        bucketUrl(platform, `bare-nats-${round}`),
      );
    const source = async () => {
      await put(platform, `${SOURCES}/natsjetstreamsources/bench-${round}`, {
        apiVersion: "sources.knative.dev/v1alpha1",
        kind: "NatsJetStreamSource",
        metadata: { name: `bench-${round}` },
        spec: { stream, sink: sink(`src-nats-${round}`) },
      });
      return await recorderRate(platform, `src-nats-${round}`, messages);
    };
    return await inOrder(messages, round, bare, source);
  } finally {
    await remove(platform, `${SOURCES}/natsjetstreamsources/bench-${round}`);
    await jsm.streams.delete(stream).catch(() => {});
    await nc.close();
  }
}

/** End-to-end latency of a Sequence of 3 steps, one event at a time. */
async function sequenceLatency(platform: Platform, events: number) {
  let arrived: (() => void) | undefined;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    await req.arrayBuffer();
    arrived?.();
    return new Response(null, { status: 202 });
  });
  try {
    const step = (name: string) => ({
      ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "flow-steps" },
      uri: `/step/${name}`,
    });
    await put(platform, "/apis/flows.knative.dev/v1/namespaces/default/sequences/bench", {
      apiVersion: "flows.knative.dev/v1",
      kind: "Sequence",
      metadata: { name: "bench" },
      spec: {
        steps: [step("a"), step("b"), step("c")],
        reply: { uri: `http://127.0.0.1:${server.addr.port}/` },
      },
    });
    let address: string | undefined;
    for (let i = 0; i < 200 && !address; i++) {
      const seq = await platform.adminJson<
        { status?: { address?: { url: string }; conditions?: { type: string; status: string }[] } }
      >(
        "/apis/flows.knative.dev/v1/namespaces/default/sequences/bench",
      );
      if (seq.status?.conditions?.find((c) => c.type === "Ready")?.status === "True") {
        address = seq.status.address?.url;
      } else await new Promise((r) => setTimeout(r, 50));
    }
    if (!address) throw new Error("the Sequence did not become Ready");
    const latencies: number[] = [];
    for (let i = -10; i < events; i++) { // the first 10 warm the steps up and are not counted
      const done = new Promise<void>((r) => (arrived = r));
      const started = performance.now();
      const res = await fetch(address, {
        method: "POST",
        headers: {
          "ce-specversion": "1.0",
          "ce-id": `s${i}`,
          "ce-source": "/bench",
          "ce-type": "bench",
          "content-type": "application/json",
        },
        body: JSON.stringify({ n: i }),
      });
      await res.arrayBuffer();
      await done;
      if (i >= 0) latencies.push(performance.now() - started);
    }
    return { steps: 3, events, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
  } finally {
    await server.shutdown();
  }
}

const median = (xs: number[]) => percentile(xs, 50);

export async function measureQueueSources(
  options: { messages?: number; rounds?: number; sequenceEvents?: number; log?: (line: string) => void } = {},
): Promise<QueueSourcesBenchResult> {
  const messages = options.messages ?? 5_000;
  const rounds = options.rounds ?? 3;
  const log = options.log ?? (() => {});
  const platform = await Platform.start({
    functions: { [RECORDER]: `${FIXTURES}/kafka_recorder`, "flow-steps": `${FIXTURES}/flow_steps` },
  });
  const sources: QueueSourcesBenchResult["sources"] = [];
  try {
    for (
      const [server, at, measure, inFlight] of [
        ["Redis Streams", REDIS, redisRound, REDIS_SOURCE_IN_FLIGHT],
        ["RabbitMQ", RABBITMQ, rabbitmqRound, RABBITMQ_PARALLELISM],
        ["NATS JetStream", NATS, natsRound, DEFAULT_NATS_IN_FLIGHT],
      ] as const
    ) {
      const missing = await unreachable(server, at);
      if (missing) {
        log(`${server}: not measured (${missing})`);
        sources.push({ server, notMeasured: missing });
        continue;
      }
      log(`${server}: ${rounds} rounds of ${messages} messages through a bare client and through the source`);
      const done: Round[] = [];
      for (let round = 0; round < rounds; round++) done.push(await measure(platform, messages, round));
      const ratios = done.map((r) => r.source / r.bare);
      sources.push({
        server,
        messages,
        inFlight,
        bareEventsPerSecond: median(done.map((r) => r.bare)),
        sourceEventsPerSecond: median(done.map((r) => r.source)),
        ratio: median(ratios),
        ratios,
        bareCpuMicrosPerEvent: median(done.map((r) => r.bareCpuMicros)),
        sourceCpuMicrosPerEvent: median(done.map((r) => r.sourceCpuMicros)),
      });
    }
    log("sequence: 3 steps, one event at a time");
    const sequence = await sequenceLatency(platform, options.sequenceEvents ?? 200);
    return { sources, sequence, target: QUEUE_SOURCE_TARGET };
  } finally {
    await platform.stop();
    await Deno.remove(platform.state, { recursive: true }).catch(() => {});
  }
}

export function renderQueueSources(r: QueueSourcesBenchResult): string {
  const rate = (n: number) => Math.round(n).toLocaleString("en-US");
  const lines = [
    "",
    `| Source (to one function instance) | in flight | bare client events/s | source events/s | source / bare (target ≥ ${r.target.ratioToBare}), median (rounds) | CPU per event, bare / source, µs |`,
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const row of r.sources) {
    if ("notMeasured" in row) lines.push(`| ${row.server} | | not measured: ${row.notMeasured} | | | |`);
    else {
      lines.push(
        `| ${row.server} | ${row.inFlight} | ${rate(row.bareEventsPerSecond)} | ${
          rate(row.sourceEventsPerSecond)
        } | ${row.ratio.toFixed(2)} × (${row.ratios.map((x) => x.toFixed(2)).join(", ")}) | ${
          Math.round(row.bareCpuMicrosPerEvent)
        } / ${Math.round(row.sourceCpuMicrosPerEvent)} |`,
      );
    }
  }
  if (r.sequence) {
    lines.push(
      "",
      `Sequence of ${r.sequence.steps} steps, end to end (${r.sequence.events} events, one at a time): ` +
        `p50 ${r.sequence.p50Ms.toFixed(1)} ms, p99 ${r.sequence.p99Ms.toFixed(1)} ms`,
    );
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const result = await measureQueueSources({
    messages: Number(Deno.env.get("BENCH_QUEUE_MESSAGES") ?? 5_000),
    rounds: Number(Deno.env.get("BENCH_QUEUE_ROUNDS") ?? 3),
    sequenceEvents: Number(Deno.env.get("BENCH_SEQUENCE_EVENTS") ?? 200),
    log: (line) => console.error(line),
  });
  console.log(JSON.stringify(result, null, 2));
  console.log(renderQueueSources(result));
}
