/**
 * A KafkaSource through a broker outage, with a broker of its own (`kafka:up` on a free port, so
 * the shared one on 9092 is left alone): Ready while the broker answers, `Ready=False` with reason
 * `BrokerUnreachable` once it is stopped, Ready again when it is back, and records produced after
 * the restart are delivered. And a broker stopped in the middle of a KafkaSource run and restarted with
 * its data: every record produced, before and after, reaches the sink at least once (duplicates are
 * counted and printed). Needs Java 17+ (it is skipped with the reason without it, except under
 * CI=true where it fails).
 */
import assert from "node:assert/strict";
import { freePort, Platform } from "./harness.ts";
import { Sink } from "./event_sink.ts";
import {
  condition,
  type Conditioned,
  eventually,
  KAFKA_SOURCES,
  kafkaSource,
  kafkaTest,
  putResource,
  TestKafka,
} from "./kafka_test_env.ts";
import { findJava } from "../devtools/java_runtime.ts";
import { devBrokerSettings } from "../devtools/kafka/dev_broker_settings.ts";

const DEV_BROKER = new URL("../devtools/kafka/dev_broker.ts", import.meta.url).pathname;
const missing = await findJava().then(
  () => undefined,
  (err) => `no usable Java for a broker of its own: ${err.message}`,
);

/**
 * Runs `kafka:up` or `kafka:down` for the broker on `port`; with `keep`, the broker keeps its data
 * across down and up (KAFKA_KEEP_DATA) on the same controller port.
 */
async function devBroker(command: "up" | "down", port: number, keep?: { controllerPort: number }) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", DEV_BROKER, command],
    env: {
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(keep?.controllerPort ?? freePort()),
      ...(keep ? { KAFKA_KEEP_DATA: "1" } : {}),
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(`kafka:${command} on port ${port} failed: ${new TextDecoder().decode(output.stderr)}`);
  }
}

/** Stops the test's own broker on `port` and removes its data. */
async function removeDevBroker(port: number) {
  await devBroker("down", port).catch((err) => console.error(err.message));
  const env = {
    get: (name: string) => name === "KAFKA_PORT" ? String(port) : Deno.env.get(name),
  } as Deno.Env;
  await Deno.remove(devBrokerSettings(env).runDir, { recursive: true }).catch(() => {});
}

async function sourceState(platform: Platform) {
  const source = await platform.adminJson<Conditioned>(`${KAFKA_SOURCES}/outage`);
  return condition(source);
}

kafkaTest(
  "kafka source: a stopped broker turns the source not Ready, a restarted one brings it back",
  async () => {
    const port = freePort();
    const address = `127.0.0.1:${port}`;
    const sink = new Sink();
    let platform: Platform | undefined;
    let kafka: TestKafka | undefined;
    try {
      await devBroker("up", port);
      platform = await Platform.start();
      kafka = await TestKafka.connect([address]);
      const topic = await kafka.topic("outage", 1);
      await putResource(
        platform,
        `${KAFKA_SOURCES}/outage`,
        kafkaSource("outage", {
          bootstrapServers: [address],
          topics: [topic],
          initialOffset: "earliest",
          sink: { uri: sink.url("/outage") },
        }),
      );
      await eventually(
        "the source to be Ready",
        async () => (await sourceState(platform!))?.status === "True" || undefined,
      );
      await kafka.produce(topic, [{ value: "before" }]);
      await eventually(
        "the record produced before the outage",
        () => Promise.resolve(sink.at("/outage").length === 1 || undefined),
      );
      await kafka.close();
      kafka = undefined;

      await devBroker("down", port);
      const stoppedAt = Date.now();
      const down = await eventually("the source to notice the broker is gone", async () => {
        const ready = await sourceState(platform!);
        return ready?.status === "False" ? ready : undefined;
      }, 20_000);
      assert.equal(down.reason, "BrokerUnreachable");
      assert.match(down.message ?? "", new RegExp(address));
      console.log(
        `  not Ready ${
          ((Date.now() - stoppedAt) / 1000).toFixed(1)
        } s after the broker stopped: ${down.message}`,
      );

      await devBroker("up", port);
      const restartedAt = Date.now();
      kafka = await TestKafka.connect([address]);
      await kafka.createTopic(topic, 1);
      await eventually(
        "the source to be Ready again",
        async () => (await sourceState(platform!))?.status === "True" || undefined,
        40_000,
      );
      console.log(
        `  Ready again ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after the broker was back`,
      );
      await kafka.produce(topic, [{ value: "after" }]);
      const after = await eventually("the record produced after the restart", () => {
        const event = sink.at("/outage").find((e) =>
          new TextDecoder().decode(e.data as Uint8Array) === "after"
        );
        return Promise.resolve(event);
      }, 30_000);
      assert.equal(after.type, "dev.knative.kafka.event");
    } finally {
      await kafka?.close();
      await platform?.stop();
      await sink.server.shutdown();
      await removeDevBroker(port);
    }
  },
  missing,
);

/** The record values the sink got at `path`, and how many arrived more than once. */
function deliveries(sink: Sink, path: string): { distinct: Set<string>; duplicates: number } {
  const values = sink.at(path).map((e) => new TextDecoder().decode(e.data as Uint8Array));
  const distinct = new Set(values);
  return { distinct, duplicates: values.length - distinct.size };
}

kafkaTest(
  "kafka source: a broker stopped mid-run and restarted loses no record",
  async () => {
    const port = freePort();
    const keep = { controllerPort: freePort() };
    const address = `127.0.0.1:${port}`;
    const sink = new Sink();
    // The sink's /slow path takes 200 ms per event, so most of the first half is still undelivered
    // when the broker stops.
    const path = "/slow";
    const half = 40;
    let platform: Platform | undefined;
    let kafka: TestKafka | undefined;
    try {
      await devBroker("up", port, keep);
      platform = await Platform.start();
      kafka = await TestKafka.connect([address]);
      const topic = await kafka.topic("midrun", 1);
      await putResource(
        platform,
        `${KAFKA_SOURCES}/outage`,
        kafkaSource("outage", {
          bootstrapServers: [address],
          topics: [topic],
          initialOffset: "earliest",
          sink: { uri: sink.url(path) },
        }),
      );
      await eventually(
        "the source to be Ready",
        async () => (await sourceState(platform!))?.status === "True" || undefined,
      );
      await kafka.produce(topic, Array.from({ length: half }, (_, i) => ({ value: `before-${i}` })));
      await eventually("the first deliveries", () => Promise.resolve(sink.at(path).length >= 3 || undefined));
      await kafka.close();
      kafka = undefined;

      await devBroker("down", port, keep);
      const deliveredAtStop = deliveries(sink, path).distinct.size;
      console.log(`  broker stopped with ${deliveredAtStop} of ${half} records delivered`);
      const down = await eventually("the source to notice the broker is gone", async () => {
        const ready = await sourceState(platform!);
        return ready?.status === "False" ? ready : undefined;
      }, 30_000);
      assert.equal(down.reason, "BrokerUnreachable");

      await devBroker("up", port, keep);
      kafka = await TestKafka.connect([address]);
      await kafka.produce(topic, Array.from({ length: half }, (_, i) => ({ value: `after-${i}` })));
      const expected = [
        ...Array.from({ length: half }, (_, i) => `before-${i}`),
        ...Array.from({ length: half }, (_, i) => `after-${i}`),
      ];
      await eventually("every record, before and after the outage", () => {
        const { distinct } = deliveries(sink, path);
        return Promise.resolve(expected.every((v) => distinct.has(v)) || undefined);
      }, 90_000);
      const { distinct, duplicates } = deliveries(sink, path);
      assert.equal(distinct.size, expected.length, `nothing else arrived: ${[...distinct].join(", ")}`);
      console.log(
        `  all ${expected.length} records delivered (${half - deliveredAtStop} of them were pending ` +
          `when the broker stopped); ${duplicates} duplicate(s)`,
      );
      await eventually(
        "the source to be Ready again",
        async () => (await sourceState(platform!))?.status === "True" || undefined,
        40_000,
      );
    } finally {
      await kafka?.close();
      await platform?.stop();
      await sink.server.shutdown();
      await removeDevBroker(port);
    }
  },
  missing,
);
