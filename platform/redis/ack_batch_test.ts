import assert from "node:assert/strict";
import { AckBatch } from "./ack_batch.ts";

/** A send that records each batch and finishes only when told. */
function recordingSend() {
  const batches: string[][] = [];
  const pending: PromiseWithResolvers<void>[] = [];
  const send = (ids: string[]) => {
    batches.push(ids);
    const p = Promise.withResolvers<void>();
    pending.push(p);
    return p.promise;
  };
  return {
    batches,
    send,
    finish: (i: number, err?: Error) => err ? pending[i].reject(err) : pending[i].resolve(),
  };
}

const settled = (p: Promise<unknown>) => {
  const state = { done: false, error: undefined as unknown };
  p.then(() => state.done = true, (err) => (state.done = true, state.error = err));
  return state;
};
const turn = () => new Promise((r) => setTimeout(r, 0));

Deno.test("the first ack goes at once; those asked for meanwhile go together in the next command", async () => {
  const { batches, send, finish } = recordingSend();
  const acks = new AckBatch(send);
  const a = settled(acks.ack("1-0"));
  assert.deepEqual(batches, [["1-0"]]);
  const b = settled(acks.ack("2-0"));
  const c = settled(acks.ack("3-0"));
  await turn();
  assert.deepEqual(batches, [["1-0"]], "nothing more is sent while the first command is out");
  assert.equal(a.done || b.done || c.done, false);
  finish(0);
  await turn();
  assert.equal(a.done, true);
  assert.equal(b.done, false, "b is acknowledged only when its own command succeeded");
  assert.deepEqual(batches, [["1-0"], ["2-0", "3-0"]]);
  finish(1);
  await turn();
  assert.equal(b.done && c.done, true);
  acks.ack("4-0");
  assert.deepEqual(batches[2], ["4-0"], "idle again: the next ack goes at once");
  finish(2);
});

Deno.test("a failed command rejects the acks it carried, and only those", async () => {
  const { batches, send, finish } = recordingSend();
  const acks = new AckBatch(send);
  const a = settled(acks.ack("1-0"));
  const b = settled(acks.ack("2-0"));
  finish(0, new Error("connection lost"));
  await turn();
  assert.match(String(a.error), /connection lost/);
  assert.equal(b.done, false);
  finish(1);
  await turn();
  assert.equal(b.error, undefined);
  assert.equal(b.done, true);
  assert.deepEqual(batches, [["1-0"], ["2-0"]]);
});
