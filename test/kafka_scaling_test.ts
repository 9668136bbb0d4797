/**
 * Lag-aware scaling against a real broker (`KAFKA_BROKERS`): a backlog in a 4-partition topic, fed
 * in order to a slow Service, scales that Service out on its consumer lag (its requests alone ask
 * for one instance), and once the lag is gone the Service goes back to zero through its normal
 * scale-to-zero (a 6 s window and a 1 s grace period here).
 */
import assert from "node:assert/strict";
import { FIXTURES, Platform, serviceDoc } from "./harness.ts";
import {
  eventually,
  KAFKA_BROKERS,
  KAFKA_SOURCES,
  kafkaSource,
  kafkaTest,
  putResource,
  serviceSink,
  TestKafka,
  unreachable,
} from "./kafka_test_env.ts";

const REVISIONS = "/apis/serving.knative.dev/v1/namespaces/default/revisions";
const missing = await unreachable(KAFKA_BROKERS);

async function replicas(platform: Platform, revision: string): Promise<number> {
  const rev = await platform.adminJson<{ status?: { actualReplicas?: number } }>(`${REVISIONS}/${revision}`);
  return rev.status?.actualReplicas ?? 0;
}

kafkaTest("kafka source: a backlog scales the consuming Service out on lag, then back to zero", async () => {
  const kafka = await TestKafka.connect();
  const platform = await Platform.start({ env: { DENATIVE_SCALE_TO_ZERO_GRACE_PERIOD: "1s" } });
  try {
    const image = await platform.uploadBundle(`${FIXTURES}/slow`);
    await platform.putService(serviceDoc("lagged", image, {
      annotations: { "autoscaling.knative.dev/window": "6s" },
    }));
    await platform.settled("lagged");
    const topic = await kafka.topic("backlog", 4);
    const total = 400;
    await kafka.produce(topic, Array.from({ length: total }, (_, i) => ({ key: `k${i}`, value: `b${i}` })));
    const source = await putResource<{ status?: { consumerGroup?: string } }>(
      platform,
      `${KAFKA_SOURCES}/backlog`,
      kafkaSource("backlog", {
        bootstrapServers: KAFKA_BROKERS,
        topics: [topic],
        initialOffset: "earliest",
        sink: serviceSink("lagged", "/?ms=100"),
      }),
    );
    const seen: number[] = [];
    await eventually(
      "the lag to scale the Service out",
      async () => {
        const n = await replicas(platform, "lagged-00001");
        seen.push(n);
        return n > 1 ? n : undefined;
      },
      20_000,
      250,
    );
    console.log(`  replicas while the backlog drains: ${seen.join(",")}`);
    const group =
      (await platform.adminJson<{ status: { consumerGroup: string } }>(`${KAFKA_SOURCES}/backlog`))
        .status.consumerGroup ?? source.status?.consumerGroup;
    await eventually(
      "the backlog to be consumed",
      async () => {
        const committed = await kafka.committed(group, topic);
        return committed.reduce((a, b) => a + Math.max(0, b), 0) === total ? true : undefined;
      },
      40_000,
      250,
    );
    const drained = Date.now();
    await eventually(
      "the Service to go back to zero",
      async () => {
        return await replicas(platform, "lagged-00001") === 0 ? true : undefined;
      },
      30_000,
      250,
    );
    console.log(`  back to zero ${((Date.now() - drained) / 1000).toFixed(1)} s after the lag was gone`);
    assert.equal(await replicas(platform, "lagged-00001"), 0);
  } finally {
    await platform.stop();
    await kafka.close();
  }
}, missing);
