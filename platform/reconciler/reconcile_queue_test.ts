import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import { createLogger } from "../log.ts";
import { ReconcileQueue, type Reconciler } from "./reconcile_queue.ts";

const backoff = { baseMs: 100, maxMs: 400 };

/** A reconciler that records its runs; `block(key)` makes the next run of `key` wait until released. */
class Recorder implements Reconciler {
  runs: string[] = [];
  failing = new Set<string>();
  #gates = new Map<string, PromiseWithResolvers<void>>();
  running = 0;
  maxRunning = 0;

  block(key: string): () => void {
    const gate = Promise.withResolvers<void>();
    this.#gates.set(key, gate);
    return () => gate.resolve();
  }

  async reconcile(key: string) {
    this.runs.push(key);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      const gate = this.#gates.get(key);
      if (gate) {
        this.#gates.delete(key);
        await gate.promise;
      }
      if (this.failing.has(key)) throw new Error(`${key} is broken`);
    } finally {
      this.running--;
    }
  }
}

function setup() {
  const clock = new FakeClock(0);
  const warnings: string[] = [];
  const log = createLogger("test", { write: (line) => warnings.push(line) });
  const recorder = new Recorder();
  const queue = new ReconcileQueue(recorder, { name: "test", log, clock, backoff });
  return { clock, warnings, recorder, queue };
}

Deno.test("keys enqueued in one turn run once each, in the next turn", async () => {
  const { clock, recorder, queue } = setup();
  queue.enqueue("a");
  queue.enqueue("b");
  queue.enqueue("a");
  assert.deepEqual(recorder.runs, [], "nothing runs inside the turn that enqueued");
  await clock.advance(0);
  await queue.idle();
  assert.deepEqual(recorder.runs, ["a", "b"]);
  queue.stop();
});

Deno.test("a key enqueued while it runs runs once more afterwards, never twice at once", async () => {
  const { clock, recorder, queue } = setup();
  const release = recorder.block("a");
  queue.enqueue("a");
  await clock.advance(0);
  assert.deepEqual(recorder.runs, ["a"]);
  queue.enqueue("a");
  queue.enqueue("a");
  await clock.advance(0);
  assert.deepEqual(recorder.runs, ["a"], "the second run waits for the first");
  release();
  await clock.advance(0);
  await queue.idle();
  assert.deepEqual(recorder.runs, ["a", "a"], "the two enqueues during the run made one more run");
  assert.equal(recorder.maxRunning, 1);
  queue.stop();
});

Deno.test("different keys run side by side", async () => {
  const { clock, recorder, queue } = setup();
  const release = recorder.block("a");
  queue.enqueue("a");
  queue.enqueue("b");
  await clock.advance(0);
  assert.equal(recorder.running, 1, "b finished while a is still blocked");
  assert.deepEqual(recorder.runs, ["a", "b"]);
  release();
  await queue.idle();
  queue.stop();
});

Deno.test("a failing key is retried after a doubling, capped backoff; success resets it", async () => {
  const { clock, recorder, queue, warnings } = setup();
  recorder.failing.add("a");
  queue.enqueue("a");
  await clock.advance(0);
  assert.deepEqual(recorder.runs, ["a"]);
  for (const wait of [100, 200, 400, 400]) {
    const before = recorder.runs.length;
    await clock.advance(wait - 1);
    await clock.advance(0);
    assert.equal(recorder.runs.length, before, `no retry before ${wait} ms`);
    await clock.advance(1);
    await clock.advance(0);
    assert.equal(recorder.runs.length, before + 1, `a retry after ${wait} ms`);
  }
  assert.deepEqual(clock.sleeps, [100, 200, 400, 400, 400], "doubling, capped at 400");
  assert.equal(queue.failures("a"), 5);
  assert.match(warnings[0], /reconciling a failed \(attempt 1\), retrying in 100 ms: Error: a is broken/);
  recorder.failing.delete("a");
  await clock.advance(400);
  await clock.advance(0);
  assert.equal(queue.failures("a"), 0);
  const runs = recorder.runs.length;
  await clock.advance(10_000);
  assert.equal(recorder.runs.length, runs, "no retry after a success");
  assert.equal(clock.pendingTimers, 0);
  queue.stop();
});

Deno.test("a success in between cancels the scheduled retry", async () => {
  const { clock, recorder, queue } = setup();
  recorder.failing.add("a");
  queue.enqueue("a");
  await clock.advance(0);
  assert.equal(clock.pendingTimers, 1);
  recorder.failing.delete("a");
  queue.enqueue("a"); // the object changed: reconciled at once, not after the backoff
  await clock.advance(0);
  await queue.idle();
  assert.deepEqual(recorder.runs, ["a", "a"]);
  assert.equal(clock.pendingTimers, 0);
  queue.stop();
});

Deno.test("forget() drops a queued key and its retry", async () => {
  const { clock, recorder, queue } = setup();
  recorder.failing.add("a");
  queue.enqueue("a");
  await clock.advance(0);
  queue.forget("a");
  queue.enqueue("b");
  queue.forget("b");
  await clock.advance(1_000);
  assert.deepEqual(recorder.runs, ["a"]);
  assert.equal(queue.failures("a"), 0);
  queue.stop();
});

Deno.test("idle() waits for queued, running and re-queued keys; stop() ends everything", async () => {
  const { clock, recorder, queue } = setup();
  const release = recorder.block("a");
  queue.enqueue("a");
  let idle = false;
  queue.idle().then(() => idle = true);
  await clock.advance(0);
  queue.enqueue("a");
  assert.equal(idle, false);
  release();
  await queue.idle();
  assert.equal(idle, true);
  assert.deepEqual(recorder.runs, ["a", "a"]);
  recorder.failing.add("b");
  queue.enqueue("b");
  await clock.advance(0);
  queue.stop();
  queue.enqueue("c");
  await clock.advance(60_000);
  assert.deepEqual(recorder.runs, ["a", "a", "b"], "no retry and no new run after stop()");
  assert.equal(clock.pendingTimers, 0);
});
