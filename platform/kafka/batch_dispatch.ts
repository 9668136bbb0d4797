/**
 * How a KafkaSource works through one partition's batch. Ordered: one record at a time, the next
 * only after the previous one was delivered (or dead-lettered). Unordered: records start as soon as
 * the source's in-flight bound allows and finish in any order. Either way a record is acknowledged
 * only once it and every record before it are done, so a stop or a crash never commits past a
 * record that was not delivered. Sending and acknowledging are given, so this has no I/O of its own.
 */
import type { InFlightLimit } from "./in_flight_limit.ts";
import { OffsetTracker } from "./offset_tracker.ts";
import type { RecordResult } from "../eventing/delivery/record_delivery.ts";

export type { RecordResult };

export interface BatchWork<R extends { offset: string }> {
  records: readonly R[];
  /** Unordered work shares this bound with the source's other partitions; undefined means ordered. */
  limit?: InFlightLimit;
  deliver(record: R): Promise<RecordResult>;
  ack(offset: string): void;
  /** Keeps the group membership alive; throws when the group rebalances. */
  heartbeat(): Promise<void>;
  /** False once no further record should start (stopping, or the partition was taken away). */
  isActive(): boolean;
  /**
   * While records run, `heartbeat()` is also called this often, so a slow sink (a cold start, long
   * retries) does not get the member dropped from its group. Undefined: only between records.
   */
  keepAliveMs?: number;
}

/** The first failure seen (a rebalance from a heartbeat, or a delivery error). */
interface Failure {
  error: unknown;
}

/**
 * Runs the batch; resolves when every started record ended. Rethrows a heartbeat failure (a
 * rebalance) or a delivery error only after the records already started have ended.
 */
export async function dispatchBatch<R extends { offset: string }>(work: BatchWork<R>): Promise<void> {
  const state: { failure?: Failure } = {};
  const keepAlive = work.keepAliveMs === undefined
    ? undefined
    : setInterval(() => work.heartbeat().catch((error) => (state.failure ??= { error })), work.keepAliveMs);
  try {
    if (!work.limit) await dispatchOrdered(work, state);
    else await dispatchUnordered(work, work.limit, state);
  } finally {
    clearInterval(keepAlive);
  }
  if (state.failure) throw state.failure.error;
}

async function dispatchOrdered<R extends { offset: string }>(
  work: BatchWork<R>,
  state: { failure?: Failure },
) {
  for (const record of work.records) {
    if (state.failure || !work.isActive()) return;
    if (await work.deliver(record) === "abandoned") return;
    work.ack(record.offset);
    try {
      await work.heartbeat();
    } catch (error) {
      state.failure ??= { error };
    }
  }
}

async function dispatchUnordered<R extends { offset: string }>(
  work: BatchWork<R>,
  limit: InFlightLimit,
  state: { failure?: Failure },
) {
  const tracker = new OffsetTracker(work.records.map((r) => r.offset));
  const running = new Set<Promise<void>>();
  let abandoned = false;
  for (let i = 0; i < work.records.length; i++) {
    await limit.acquire();
    if (state.failure || abandoned || !work.isActive()) {
      limit.release();
      break;
    }
    const index = i;
    const task: Promise<void> = work.deliver(work.records[index]).then(
      (result) => {
        if (result === "abandoned") {
          abandoned = true;
          return;
        }
        const offset = tracker.done(index);
        if (offset !== undefined) work.ack(offset);
      },
      (error) => {
        state.failure ??= { error };
      },
    ).finally(() => {
      limit.release();
      running.delete(task);
    });
    running.add(task);
    try {
      await work.heartbeat();
    } catch (error) {
      state.failure ??= { error };
      break;
    }
  }
  await Promise.all(running);
}
