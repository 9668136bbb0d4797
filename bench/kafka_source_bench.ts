/**
 * KafkaSource throughput to a function, beside bare kafkajs consumers reading the same topic in the
 * same run (only ratios carry over between machines). One topic is filled with `records` records;
 * then it is read by: a bare kafkajs consumer that does nothing with the records (what kafkajs
 * alone can do); a bare kafkajs consumer that POSTs each record as a CloudEvent (bare_kafka_http.ts,
 * the hand-written equivalent of a source) to a bare `Deno.serve`, and to the same recorder function
 * through the platform's data port; and the platform's KafkaSource delivering to that function (one
 * instance), unordered and ordered. Rates run from the first record seen to the last, so group joins
 * and cold starts are left out of all of them. Ratios of the unordered source: `ratio` to the
 * hand-written consumer feeding the same function (what the source costs), `ratioToBareServe` to
 * the one feeding a bare Deno.serve (what the source and the platform cost), `ratioToReadOnly` to
 * the consumer that only reads.
 *
 * Run alone: `KAFKA_BROKERS=127.0.0.1:9092 deno run --allow-all --unstable-worker-options
 * --unstable-no-legacy-abort bench/kafka_source_bench.ts` (knobs: BENCH_KAFKA_RECORDS,
 * BENCH_KAFKA_PARTITIONS). From bench/main.ts: `await measureKafkaSourceThroughput({ brokers })`.
 */
import { Kafka, logLevel } from "kafkajs";
import { FIXTURES, Platform } from "../test/harness.ts";
import { TestKafka } from "../test/kafka_test_env.ts";
import { onStop } from "./child_processes.ts";
import { bareConsumerToHttpSeconds } from "./bare_kafka_http.ts";
import { startBareHello } from "./bare_hello.ts";
import { SOURCE_RUNNER_DEFAULTS } from "../platform/kafka/source_runner.ts";

export const KAFKA_SOURCE_TARGET = { eventsPerSecond: 5_000, ratioToBare: 0.5 };

export interface KafkaSourceBenchOptions {
  brokers: readonly string[];
  /** @default 20000 */
  records?: number;
  /** @default 4 */
  partitions?: number;
  /** Bytes of each record's value. @default 100 */
  valueBytes?: number;
  /** Also measure ordered delivery (one record at a time per partition). @default true */
  ordered?: boolean;
  log?: (line: string) => void;
}

export interface RateRow {
  name: string;
  records: number;
  seconds: number;
  eventsPerSecond: number;
}

export interface KafkaSourceBenchResult {
  records: number;
  partitions: number;
  valueBytes: number;
  /** A kafkajs consumer that only reads. */
  bare: RateRow;
  /** A kafkajs consumer that POSTs each record to a bare Deno.serve. */
  bareServe: RateRow;
  /** A kafkajs consumer that POSTs each record to the recorder function through the data port. */
  bareToFunction: RateRow;
  unordered: RateRow;
  ordered?: RateRow;
  /** unordered / bareToFunction events per second. */
  ratio: number;
  /** unordered / bareServe events per second. */
  ratioToBareServe: number;
  /** unordered / bare (read-only) events per second. */
  ratioToReadOnly: number;
  target: typeof KAFKA_SOURCE_TARGET;
}

export async function measureKafkaSourceThroughput(
  options: KafkaSourceBenchOptions,
): Promise<KafkaSourceBenchResult> {
  const records = options.records ?? 20_000;
  const partitions = options.partitions ?? 4;
  const valueBytes = options.valueBytes ?? 100;
  const log = options.log ?? (() => {});
  const kafka = await TestKafka.connect(options.brokers);
  let platform: Platform | undefined;
  const forget = onStop(async () => {
    await platform?.kill().catch(() => {});
    await kafka.close();
  });
  try {
    const topic = await kafka.topic("bench-kafka-source", partitions);
    log(`kafka source: producing ${records} records of ${valueBytes} bytes into ${partitions} partitions`);
    const padding = "x".repeat(Math.max(0, valueBytes - 12));
    await kafka.produce(
      topic,
      Array.from({ length: records }, (_, i) => ({ key: `k${i}`, value: `${i}:${padding}` })),
    );

    log("kafka source: a bare kafkajs consumer reads the topic");
    const bare = await bareConsumerRate(options.brokers, topic, records);
    log("kafka source: a bare kafkajs consumer POSTs it to a bare Deno.serve");
    const inFlight = SOURCE_RUNNER_DEFAULTS.unorderedInFlight;
    const serve = await startBareHello();
    let serveSeconds: number;
    try {
      serveSeconds = await bareConsumerToHttpSeconds(
        options.brokers,
        topic,
        records,
        inFlight,
        `http://${serve.host}/`,
      );
    } finally {
      await serve.stop();
    }
    const bareServe = row(
      `bare kafkajs consumer -> bare Deno.serve (${inFlight} in flight)`,
      records,
      serveSeconds,
    );

    platform = await Platform.start({ functions: { "kafka-recorder": `${FIXTURES}/kafka_recorder` } });
    log("kafka source: a bare kafkajs consumer POSTs it to the function through the data port");
    const bareToFunction = row(
      `bare kafkajs consumer -> the function (${inFlight} in flight)`,
      records,
      await bareConsumerToHttpSeconds(
        options.brokers,
        topic,
        records,
        inFlight,
        `http://127.0.0.1:${platform.port}/function/kafka-recorder/bench-handwritten`,
      ),
    );
    log("kafka source: the platform's KafkaSource delivers it to a function (unordered)");
    const unordered = await sourceRate(platform, "unordered", topic, records, options.brokers);
    let ordered: RateRow | undefined;
    if (options.ordered ?? true) {
      log("kafka source: the same, ordered");
      ordered = await sourceRate(platform, "ordered", topic, records, options.brokers);
    }
    return {
      records,
      partitions,
      valueBytes,
      bare,
      bareServe,
      bareToFunction,
      unordered,
      ...(ordered ? { ordered } : {}),
      ratio: unordered.eventsPerSecond / bareToFunction.eventsPerSecond,
      ratioToBareServe: unordered.eventsPerSecond / bareServe.eventsPerSecond,
      ratioToReadOnly: unordered.eventsPerSecond / bare.eventsPerSecond,
      target: KAFKA_SOURCE_TARGET,
    };
  } finally {
    await platform?.stop();
    if (platform) await Deno.remove(platform.state, { recursive: true }).catch(() => {});
    await kafka.close();
    forget();
  }
}

async function bareConsumerRate(
  brokers: readonly string[],
  topic: string,
  records: number,
): Promise<RateRow> {
  const kafka = new Kafka({ clientId: "bench-bare", brokers: [...brokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-bare-${crypto.randomUUID()}`, maxWaitTimeInMs: 500 });
  let seen = 0;
  let first = 0;
  let last = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the bare consumer read ${seen} of ${records}`)),
        120_000,
      );
      consumer.run({
        eachMessage: () => {
          if (seen++ === 0) first = performance.now();
          last = performance.now();
          if (seen === records) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      }).catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => {});
  }
  return row("bare kafkajs consumer (eachMessage)", records, (last - first) / 1000);
}

async function sourceRate(
  platform: Platform,
  ordering: "ordered" | "unordered",
  topic: string,
  records: number,
  brokers: readonly string[],
): Promise<RateRow> {
  const bucket = `bench-${ordering}`;
  const res = await platform.admin(`/apis/sources.knative.dev/v1/namespaces/default/kafkasources/${bucket}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      apiVersion: "sources.knative.dev/v1",
      kind: "KafkaSource",
      metadata: { name: bucket },
      spec: {
        bootstrapServers: brokers,
        topics: [topic],
        initialOffset: "earliest",
        ordering,
        sink: {
          ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "kafka-recorder" },
          uri: `/${bucket}`,
        },
      },
    }),
  });
  if (!res.ok) throw new Error(`creating the KafkaSource failed: ${res.status} ${await res.text()}`);
  await res.body?.cancel();
  const deadline = Date.now() + 180_000;
  for (;;) {
    const summary = await (await platform.call("kafka-recorder", `/${bucket}?summary`)).json() as {
      count: number;
      firstAt: number;
      lastAt: number;
    };
    if (summary.count >= records) {
      return row(`KafkaSource -> function (${ordering})`, records, (summary.lastAt - summary.firstAt) / 1000);
    }
    if (Date.now() > deadline) {
      throw new Error(`the ${ordering} source delivered ${summary.count} of ${records}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function row(name: string, records: number, seconds: number): RateRow {
  const span = Math.max(seconds, 0.001);
  return { name, records, seconds: span, eventsPerSecond: (records - 1) / span };
}

if (import.meta.main) {
  const brokers = (Deno.env.get("KAFKA_BROKERS") ?? "127.0.0.1:9092").split(",").map((b) => b.trim()).filter(
    Boolean,
  );
  const num = (name: string) => Number(Deno.env.get(name)) || undefined;
  const result = await measureKafkaSourceThroughput({
    brokers,
    records: num("BENCH_KAFKA_RECORDS"),
    partitions: num("BENCH_KAFKA_PARTITIONS"),
    log: (line) => console.error(`bench: ${line}`),
  });
  console.log(JSON.stringify(result, null, 2));
  const rows = [
    result.bare,
    result.bareServe,
    result.bareToFunction,
    result.unordered,
    ...(result.ordered ? [result.ordered] : []),
  ];
  for (const r of rows) {
    console.error(`${r.name.padEnd(56)} ${Math.round(r.eventsPerSecond).toString().padStart(8)} events/s`);
  }
  console.error(
    `unordered source / hand-written consumer feeding the same function: ${result.ratio.toFixed(2)}; ` +
      `/ feeding a bare Deno.serve: ${result.ratioToBareServe.toFixed(2)}; / read-only consumer: ` +
      `${result.ratioToReadOnly.toFixed(3)} (targets: >= ${KAFKA_SOURCE_TARGET.ratioToBare} of bare, ` +
      `>= ${KAFKA_SOURCE_TARGET.eventsPerSecond} events/s)`,
  );
}
