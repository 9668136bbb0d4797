/**
 * A consumer group's lag and the instances it calls for, as KEDA's Kafka scaler computes them:
 * per partition, the latest offset minus the group's committed one (a partition the group never
 * committed counts from its first offset when the source starts at `earliest`, else as no lag);
 * instances = ceil(total lag / lag threshold), at most one per partition (more consumers than
 * partitions would sit idle, so KEDA caps there unless told otherwise). Pure.
 */
import type { CommittedOffset, InitialOffset, PartitionOffsets } from "./kafka_client.ts";

export interface TopicOffsets {
  topic: string;
  partitions: PartitionOffsets[];
}

export interface ConsumerLag {
  /** Records produced but not yet committed by the group, over every partition. */
  total: number;
  /** Partitions of the consumed topics. */
  partitions: number;
}

export function consumerLag(
  topics: readonly TopicOffsets[],
  committed: readonly CommittedOffset[],
  initialOffset: InitialOffset,
): ConsumerLag {
  const commits = new Map(committed.map((c) => [`${c.topic}/${c.partition}`, c.offset]));
  let total = 0;
  let partitions = 0;
  for (const { topic, partitions: offsets } of topics) {
    for (const p of offsets) {
      partitions++;
      const commit = commits.get(`${topic}/${p.partition}`) ?? null;
      const from = commit === null
        ? (initialOffset === "earliest" ? p.low : p.high)
        : Math.max(commit, p.low);
      total += Math.max(0, p.high - from);
    }
  }
  return { total, partitions };
}

/** Instances the lag calls for: ceil(lag / threshold), at most one per partition; 0 without lag. */
export function lagInstances(lag: ConsumerLag, threshold: number): number {
  if (lag.total <= 0) return 0;
  return Math.min(Math.ceil(lag.total / threshold), Math.max(1, lag.partitions));
}
