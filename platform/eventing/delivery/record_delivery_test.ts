/**
 * deliverRecord() against a real HTTP sink (a local Deno.serve that answers as each test says)
 * through the real EventSender.
 */
import { deepStrictEqual, equal } from "node:assert/strict";
import { ResourceStore } from "../../store/resource_store.ts";
import { EventSender } from "../event_sender.ts";
import { systemClock } from "./clock.ts";
import { resolveDeliveryPolicy } from "./delivery_policy.ts";
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import { deliverRecord, type DeliveryTarget } from "./record_delivery.ts";

const EVENT: CloudEvent = {
  specversion: "1.0",
  id: "partition:0/offset:1",
  source: "/s",
  type: "t",
  extensions: {},
};

/** A sink whose answer per path is decided by `answer`; records every request's path and ce-id. */
function startSink(answer: (path: string, calls: number) => number) {
  const seen: string[] = [];
  const counts = new Map<string, number>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    await req.arrayBuffer();
    const path = new URL(req.url).pathname;
    const n = (counts.get(path) ?? 0) + 1;
    counts.set(path, n);
    seen.push(`${path} ${req.headers.get("ce-id")}${req.headers.get("ce-knativeerrorcode") ? " dead" : ""}`);
    return new Response(path === "/reply" ? "not an event" : null, { status: answer(path, n) });
  });
  const url = (path: string) => `http://127.0.0.1:${server.addr.port}${path}`;
  return { seen, url, close: () => server.shutdown() };
}

function sender() {
  const store = new ResourceStore(":memory:");
  return new EventSender({
    store,
    scheme: { domain: "localhost", port: 1 },
    dataPlaneFetch: () => Promise.reject(new Error("no data plane in this test")),
  });
}

function target(sink: string, delivery: Record<string, unknown> = {}, deadLetter?: string): DeliveryTarget {
  const policy = resolveDeliveryPolicy(
    deadLetter ? { ...delivery, deadLetterSink: { uri: deadLetter } } : delivery,
  );
  return { sink: { url: sink }, policy, ...(deadLetter ? { deadLetter: { url: deadLetter } } : {}) };
}

Deno.test("a record whose sink answers 2xx is done, even when the body is not a CloudEvent", async () => {
  const sink = startSink(() => 200);
  try {
    const result = await deliverRecord(EVENT, {
      sender: sender(),
      clock: systemClock,
      stop: new AbortController().signal,
      target: () => target(sink.url("/reply")),
    });
    equal(result, "done");
  } finally {
    await sink.close();
  }
});

Deno.test("a failing sink is retried, then the record is dead-lettered and done", async () => {
  const sink = startSink((path) => path === "/dead" ? 202 : 503);
  try {
    const result = await deliverRecord(EVENT, {
      sender: sender(),
      clock: systemClock,
      stop: new AbortController().signal,
      target: () => target(sink.url("/sink"), { retry: 2 }, sink.url("/dead")),
    });
    equal(result, "done");
    deepStrictEqual(sink.seen, [
      "/sink partition:0/offset:1",
      "/sink partition:0/offset:1",
      "/sink partition:0/offset:1",
      "/dead partition:0/offset:1 dead",
    ]);
  } finally {
    await sink.close();
  }
});

Deno.test("without a dead-letter sink a record that keeps failing is dropped and done", async () => {
  const sink = startSink(() => 500);
  const outcomes: string[] = [];
  try {
    const result = await deliverRecord(EVENT, {
      sender: sender(),
      clock: systemClock,
      stop: new AbortController().signal,
      target: () => target(sink.url("/sink"), { retry: 1 }),
      onOutcome: (o) => outcomes.push(o.kind),
    });
    equal(result, "done");
    deepStrictEqual(outcomes, ["dropped"]);
  } finally {
    await sink.close();
  }
});

Deno.test("a failing dead-letter sink holds the record until it accepts it", async () => {
  const sink = startSink((path, n) => path === "/dead" && n >= 2 ? 202 : 500);
  const held: string[] = [];
  try {
    const result = await deliverRecord(EVENT, {
      sender: sender(),
      clock: systemClock,
      stop: new AbortController().signal,
      target: () => target(sink.url("/sink"), {}, sink.url("/dead")),
      onHeld: (_, reason) => held.push(reason),
    });
    equal(result, "done");
    equal(held.length, 1);
    deepStrictEqual(sink.seen.filter((s) => s.startsWith("/dead")).length, 2);
  } finally {
    await sink.close();
  }
});

Deno.test("a record whose sink does not resolve waits, and is abandoned when the source stops", async () => {
  const stop = new AbortController();
  const held: string[] = [];
  const result = deliverRecord(EVENT, {
    sender: sender(),
    clock: systemClock,
    stop: stop.signal,
    target: () => ({ sink: { error: 'Service "x" does not exist' }, policy: resolveDeliveryPolicy({}) }),
    onHeld: (_, reason) => held.push(reason),
  });
  await new Promise((r) => setTimeout(r, 50));
  stop.abort();
  equal(await result, "abandoned");
  deepStrictEqual(held, ['the sink does not resolve: Service "x" does not exist']);
});
