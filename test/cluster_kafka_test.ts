/**
 * Cluster mode with the real Kafka: a KafkaSource runs its consumer group on every node, so Kafka
 * spreads the topic's partitions over them; when a node dies its partitions move to the others
 * and nothing is lost.
 */
import assert from "node:assert/strict";
import { freePort, Platform } from "./harness.ts";
import { Sink } from "./event_sink.ts";
import { KAFKA_BROKERS, kafkaSource, putResource, TestKafka, unreachable } from "./kafka_test_env.ts";
import { KAFKA_SOURCES } from "./kafka_test_env.ts";
import { createTestDatabase, postgresTest, postgresUnreachable } from "./postgres_test_env.ts";
import { eventually } from "./harness.ts";

const missing = await postgresUnreachable() ?? await unreachable(KAFKA_BROKERS);

postgresTest(
  "cluster: a KafkaSource's partitions are consumed by several nodes, and none is lost when one dies",
  async () => {
    const db = await createTestDatabase();
    const sink = new Sink();
    const lbPort = freePort();
    const nodes: Platform[] = [];
    const kafka = await TestKafka.connect();
    const admin = kafka.kafka.admin();
    await admin.connect();
    try {
      for (let i = 1; i <= 3; i++) {
        nodes.push(
          await Platform.start({
            args: ["--database", db.url, "--node-name", `node-${i}`, "--public-port", String(lbPort)],
          }),
        );
      }
      const topic = await kafka.topic("cluster", 6);
      const group = `denative-cluster-${crypto.randomUUID().slice(0, 8)}`;
      await putResource(
        nodes[0],
        `${KAFKA_SOURCES}/spread`,
        kafkaSource("spread", {
          consumerGroup: group,
          bootstrapServers: [...KAFKA_BROKERS],
          topics: [topic],
          sink: { uri: sink.url("/kafka") },
        }),
      );
      const members = await eventually(
        "three members in the consumer group",
        async () => {
          const { groups } = await admin.describeGroups([group]);
          const m = groups[0]?.members ?? [];
          return groups[0]?.state === "Stable" && m.length === 3 ? m : undefined;
        },
        60_000,
        500,
      );
      console.log(`consumer group ${group}: ${members.length} members`);

      const produce = async (from: number, count: number) => {
        await kafka.produce(
          topic,
          Array.from(
            { length: count },
            (_, i) => ({ key: `k${from + i}`, value: JSON.stringify({ n: from + i }) }),
          ),
        );
      };
      const received = () => new Set(sink.at("/kafka").map((e) => JSON.stringify(e.data)));
      await produce(0, 300);
      await eventually(
        "300 records delivered",
        () => Promise.resolve(received().size >= 300 || undefined),
        60_000,
        250,
      );

      await nodes[1].kill();
      await produce(300, 300);
      await eventually(
        "600 records delivered",
        () => Promise.resolve(received().size >= 600 || undefined),
        90_000,
        250,
      );
      const copies = sink.at("/kafka").length;
      console.log(
        `600 records produced, ${received().size} delivered, ${copies - received().size} duplicates`,
      );
      assert.equal(received().size, 600);
    } finally {
      await admin.disconnect().catch(() => {});
      await kafka.close();
      for (const node of nodes) await node.stop().catch(() => {});
      await sink.server.shutdown();
      await db.drop();
    }
  },
  missing,
);
