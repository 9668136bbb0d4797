import { deepStrictEqual, equal } from "node:assert/strict";
import { consumerLag, lagInstances } from "./consumer_lag.ts";

const topic = (name: string, ...ranges: [number, number][]) => ({
  topic: name,
  partitions: ranges.map(([low, high], partition) => ({ partition, low, high })),
});

Deno.test("lag is the latest offset minus the committed one, summed over partitions and topics", () => {
  const lag = consumerLag(
    [topic("a", [0, 100], [0, 50]), topic("b", [0, 10])],
    [
      { topic: "a", partition: 0, offset: 90 },
      { topic: "a", partition: 1, offset: 50 },
      { topic: "b", partition: 0, offset: 4 },
    ],
    "latest",
  );
  deepStrictEqual(lag, { total: 16, partitions: 3 });
});

Deno.test("a partition never committed lags from its start with earliest and not at all with latest", () => {
  const offsets = [topic("a", [20, 100])];
  const never = [{ topic: "a", partition: 0, offset: null }];
  equal(consumerLag(offsets, never, "earliest").total, 80);
  equal(consumerLag(offsets, never, "latest").total, 0);
  equal(consumerLag(offsets, [], "earliest").total, 80);
});

Deno.test("a commit older than the log's start counts from the start", () => {
  equal(consumerLag([topic("a", [50, 60])], [{ topic: "a", partition: 0, offset: 3 }], "latest").total, 10);
});

Deno.test("instances are lag over threshold, rounded up and capped at the partition count", () => {
  equal(lagInstances({ total: 0, partitions: 4 }, 10), 0);
  equal(lagInstances({ total: 1, partitions: 4 }, 10), 1);
  equal(lagInstances({ total: 25, partitions: 4 }, 10), 3);
  equal(lagInstances({ total: 10_000, partitions: 4 }, 10), 4);
  equal(lagInstances({ total: 10_000, partitions: 0 }, 10), 1);
});
