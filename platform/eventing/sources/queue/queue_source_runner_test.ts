import assert from "node:assert/strict";
import { FakeClock } from "../../delivery/fake_clock.ts";
import { resolveDeliveryPolicy } from "../../delivery/delivery_policy.ts";
import type { CloudEvent } from "../../cloudevents/cloudevent.ts";
import type { QueueConnection, QueueMessage } from "./queue_connection.ts";
import { SourceConfigError } from "./queue_connection.ts";
import { QueueSourceRunner } from "./queue_source_runner.ts";

const quiet = { info() {}, warn() {}, error() {}, child: () => quiet } as never;
const event = (id: string): CloudEvent => ({
  specversion: "1.0",
  id,
  source: "/q",
  type: "t",
  extensions: {},
});

/** A connection whose messages the test hands over, recording acknowledgements. */
class FakeQueue implements QueueConnection {
  acked: string[] = [];
  #deliver: ((m: QueueMessage) => Promise<void>) | undefined;
  #end: ((err?: Error) => void) | undefined;
  consume(onMessage: (m: QueueMessage) => Promise<void>): Promise<void> {
    this.#deliver = onMessage;
    return new Promise((resolve, reject) => (this.#end = (err) => err ? reject(err) : resolve()));
  }
  get consuming() {
    return this.#deliver !== undefined;
  }
  hand(id: string, redelivered = false): Promise<void> {
    return this.#deliver!({
      event: event(id),
      redelivered,
      ack: () => {
        this.acked.push(id);
        return Promise.resolve();
      },
    });
  }
  lose() {
    this.#end?.(new Error("connection reset"));
  }
  backlog() {
    return Promise.resolve(0);
  }
  close() {
    this.#end?.();
    return Promise.resolve();
  }
}

function runner(connect: () => Promise<QueueConnection>, clock: FakeClock, statuses: Record<string, number>) {
  const sent: string[] = [];
  const states: string[] = [];
  const r: QueueSourceRunner = new QueueSourceRunner({
    name: "test",
    connect,
    maxInFlight: 4,
    clock,
    log: quiet,
    sender: {
      send: (url: string, e: CloudEvent) => {
        sent.push(`${url} ${e.id}`);
        return Promise.resolve({ status: statuses[url] ?? 202, body: new Uint8Array() });
      },
    },
    target: () => ({
      sink: { url: "http://sink/" },
      policy: resolveDeliveryPolicy({
        retry: 1,
        backoffDelay: "PT1S",
        deadLetterSink: { uri: "http://dls/" },
      }),
      deadLetter: { url: "http://dls/" },
    }),
    onChange: () => {
      const c = r.connection;
      const text = c.state === "unreachable" ? `${c.state} ${c.reason ?? ""}`.trim() : c.state;
      // A backlog read also calls onChange: only state changes are kept.
      if (states.at(-1) !== text) states.push(text);
    },
  });
  return { runner: r, sent, states };
}

Deno.test("a message is acknowledged once delivered, or once dead-lettered after its retries", async () => {
  const clock = new FakeClock();
  const queue = new FakeQueue();
  const statuses: Record<string, number> = {};
  const { runner: r, sent } = runner(() => Promise.resolve(queue), clock, statuses);
  r.start();
  await clock.run((async () => {
    while (!queue.consuming) await new Promise((res) => setTimeout(res, 0));
  })());
  assert.equal(r.connection.state, "connected");
  await clock.run(queue.hand("a"));
  assert.deepEqual(queue.acked, ["a"]);
  statuses["http://sink/"] = 503;
  const failing = queue.hand("b", true);
  assert.deepEqual(queue.acked, ["a"], "not acknowledged while its delivery runs");
  await clock.run(failing);
  assert.deepEqual(sent, ["http://sink/ a", "http://sink/ b", "http://sink/ b", "http://dls/ b"]);
  assert.deepEqual(queue.acked, ["a", "b"]);
  assert.deepEqual(r.counters, { delivered: 1, deadLettered: 1, dropped: 0, redelivered: 1 });
  await r.stop();
});

Deno.test("an unreachable server is reported with its reason and reconnected with backoff", async () => {
  const clock = new FakeClock();
  const queue = new FakeQueue();
  const attempts: string[] = [];
  const connect = () => {
    attempts.push(`t=${clock.now()}`);
    if (attempts.length === 1) return Promise.reject(new SourceConfigError("SecretNotFound", "no Secret"));
    if (attempts.length === 2) return Promise.reject(new Error("ECONNREFUSED"));
    return Promise.resolve(queue);
  };
  const { runner: r, states } = runner(connect, clock, {});
  r.start();
  await clock.run((async () => {
    while (!queue.consuming) await new Promise((res) => setTimeout(res, 0));
  })());
  assert.deepEqual(attempts, ["t=0", "t=200", "t=600"]);
  assert.deepEqual(states, ["unreachable SecretNotFound", "unreachable", "connected"]);
  assert.equal(r.connection.state, "connected");
  queue.lose();
  await new Promise((res) => setTimeout(res, 0));
  assert.deepEqual(r.connection, { state: "unreachable", error: "connection reset" });
  await r.stop();
});
