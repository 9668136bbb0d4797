import assert from "node:assert/strict";
import { Activator, queueBound } from "./activator.ts";
import { FakeClock } from "../clock/fake_clock.ts";

function activator(opts: { slots?: string[]; bound?: number } = {}) {
  const clock = new FakeClock(1_000);
  const slots = opts.slots ?? [];
  const asked: number[] = [];
  const a = new Activator<string>({
    clock,
    revision: "hello-00001",
    pick: () => slots.shift(),
    queueBound: () => opts.bound ?? 10,
    askCapacity: (held) => asked.push(held),
  });
  return { a, clock, slots, asked };
}

Deno.test("a held request asks for capacity and gets the first slot that frees up", async () => {
  const { a, slots, asked } = activator();
  const first = a.hold(2_000);
  const second = a.hold(2_000);
  assert.deepEqual(asked, [1, 2]);
  assert.equal(a.held, 2);
  slots.push("instance-1");
  a.drain();
  assert.equal(await first, "instance-1");
  assert.equal(a.held, 1);
  slots.push("instance-2");
  a.drain();
  assert.equal(await second, "instance-2");
});

Deno.test("a request held past its deadline gets 504, and later slots go to the next", async () => {
  const { a, clock, slots } = activator();
  const late = a.hold(1_500);
  const patient = a.hold(5_000);
  await clock.advance(500);
  const res = await late as Response;
  assert.equal(res.status, 504);
  assert.match(await res.text(), /did not answer within its timeout/);
  slots.push("instance-1");
  a.drain();
  assert.equal(await patient, "instance-1");
});

Deno.test("a full queue answers 503 at once without asking for capacity", async () => {
  const { a, asked } = activator({ bound: 1 });
  a.hold(10_000);
  const res = await a.hold(10_000) as Response;
  assert.equal(res.status, 503);
  assert.match(await res.text(), /queue full/);
  assert.deepEqual(asked, [1]);
  a.refuseAll(() => new Response("gone", { status: 502 }));
});

Deno.test("refuseAll() answers every held request", async () => {
  const { a } = activator();
  const held = [a.hold(10_000), a.hold(10_000)];
  a.refuseAll(() => new Response("could not start", { status: 502 }));
  for (const r of await Promise.all(held)) assert.equal((r as Response).status, 502);
  assert.equal(a.held, 0);
});

Deno.test("queueBound: queueDepthFactor × containerConcurrency per instance, at least one; fixed when unlimited", () => {
  const limits = { queueDepthFactor: 10, unboundedQueueDepth: 10_000 };
  assert.equal(queueBound(limits, 2, 0), 20);
  assert.equal(queueBound(limits, 2, 3), 60);
  assert.equal(queueBound(limits, 0, 3), 10_000);
});
