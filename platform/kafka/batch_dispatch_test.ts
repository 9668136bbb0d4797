import { deepStrictEqual, equal, rejects } from "node:assert/strict";
import { type BatchWork, dispatchBatch, type RecordResult } from "./batch_dispatch.ts";
import { InFlightLimit } from "./in_flight_limit.ts";

interface Rec {
  offset: string;
}

const records = (...offsets: number[]): Rec[] => offsets.map((o) => ({ offset: String(o) }));
const tick = () => new Promise((r) => setTimeout(r, 0));

/** A batch whose deliveries finish when the test says so, recording what was started and acknowledged. */
function controlledBatch(recs: Rec[], limit?: InFlightLimit) {
  const started: string[] = [];
  const acked: string[] = [];
  const finish = new Map<string, (r: RecordResult) => void>();
  let active = true;
  let heartbeatError: Error | undefined;
  const work: BatchWork<Rec> = {
    records: recs,
    limit,
    deliver(record) {
      started.push(record.offset);
      return new Promise((resolve) => finish.set(record.offset, resolve));
    },
    ack: (offset) => acked.push(offset),
    heartbeat: () => heartbeatError ? Promise.reject(heartbeatError) : Promise.resolve(),
    isActive: () => active,
  };
  return {
    work,
    started,
    acked,
    finish: async (offset: string, result: RecordResult = "done") => {
      finish.get(offset)!(result);
      await tick();
    },
    deactivate: () => (active = false),
    failHeartbeats: (err: Error) => (heartbeatError = err),
  };
}

Deno.test("ordered dispatch starts a record only after the previous one is acknowledged", async () => {
  const b = controlledBatch(records(0, 1, 2));
  const done = dispatchBatch(b.work);
  await tick();
  deepStrictEqual(b.started, ["0"]);
  await b.finish("0");
  deepStrictEqual(b.started, ["0", "1"]);
  deepStrictEqual(b.acked, ["0"]);
  await b.finish("1");
  await b.finish("2");
  await done;
  deepStrictEqual(b.acked, ["0", "1", "2"]);
});

Deno.test("ordered dispatch stops without acknowledging an abandoned record", async () => {
  const b = controlledBatch(records(0, 1, 2));
  const done = dispatchBatch(b.work);
  await tick();
  await b.finish("0");
  await b.finish("1", "abandoned");
  await done;
  deepStrictEqual(b.started, ["0", "1"]);
  deepStrictEqual(b.acked, ["0"]);
});

Deno.test("unordered dispatch keeps at most the limit in flight and acknowledges only contiguous records", async () => {
  const b = controlledBatch(records(0, 1, 2, 3), new InFlightLimit(2));
  const done = dispatchBatch(b.work);
  await tick();
  deepStrictEqual(b.started, ["0", "1"]);
  await b.finish("1");
  deepStrictEqual(b.acked, []);
  deepStrictEqual(b.started, ["0", "1", "2"]);
  await b.finish("2");
  deepStrictEqual(b.started, ["0", "1", "2", "3"]);
  await b.finish("0");
  deepStrictEqual(b.acked, ["2"]);
  await b.finish("3");
  await done;
  deepStrictEqual(b.acked, ["2", "3"]);
});

Deno.test("unordered dispatch stops starting records when the consumer stops, and waits for those running", async () => {
  const limit = new InFlightLimit(2);
  const b = controlledBatch(records(0, 1, 2, 3), limit);
  const done = dispatchBatch(b.work);
  await tick();
  b.deactivate();
  await b.finish("0");
  await b.finish("1", "abandoned");
  await done;
  deepStrictEqual(b.started, ["0", "1"]);
  deepStrictEqual(b.acked, ["0"]);
  equal(limit.active, 0);
});

Deno.test("a rebalance seen by the heartbeat is rethrown after the running records ended", async () => {
  const b = controlledBatch(records(0, 1, 2), new InFlightLimit(4));
  b.failHeartbeats(new Error("rebalancing"));
  const done = dispatchBatch(b.work);
  await tick();
  deepStrictEqual(b.started, ["0"]);
  let settled = false;
  done.catch(() => {}).finally(() => (settled = true));
  await tick();
  equal(settled, false);
  await b.finish("0");
  await rejects(done, /rebalancing/);
  deepStrictEqual(b.acked, ["0"]);
});

Deno.test("a rebalance seen by the keep-alive heartbeat during a slow ordered record stops the batch", async () => {
  const b = controlledBatch(records(0, 1));
  b.work.keepAliveMs = 5;
  const done = dispatchBatch(b.work);
  await tick();
  b.failHeartbeats(new Error("rebalancing"));
  await new Promise((r) => setTimeout(r, 20));
  const outcome = rejects(done, /rebalancing/);
  await b.finish("0");
  await outcome;
  deepStrictEqual(b.started, ["0"]);
  deepStrictEqual(b.acked, ["0"]);
});
