import { deepStrictEqual as assertEquals, equal, ok as assert } from "node:assert/strict";
import { ResourceStore } from "../../store/resource_store.ts";
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import { decodeHttpRequest } from "../cloudevents/http_decode.ts";
import { encodeHttpBinary } from "../cloudevents/http_encode.ts";
import { FakeClock } from "../delivery/fake_clock.ts";
import { resolveDeliveryPolicy } from "../delivery/delivery_policy.ts";
import type { DeliverySpec } from "../delivery/delivery_spec.ts";
import { EventSender } from "../event_sender.ts";
import { deliverEvent, type DeliveryOutcome } from "./deliver_event.ts";
import { DestinationRecovery } from "../delivery/destination_recovery.ts";

const SUBSCRIBER = "http://sub.default.localhost:8080/";
const DLS = "http://dls.default.localhost:8080/";

const EVENT: CloudEvent = {
  specversion: "1.0",
  id: "ev-1",
  source: "/test",
  type: "dev.test.order",
  datacontenttype: "text/plain",
  data: new TextEncoder().encode("payload"),
  extensions: {},
};

interface Received {
  at: number;
  url: string;
  event: CloudEvent;
}

/**
 * Runs one delivery against in-process endpoints: `subscriber` answers each attempt (by number),
 * the dead-letter sink answers 202. Returns the outcome and every request with its fake time.
 */
async function run(
  spec: DeliverySpec,
  subscriber: (attempt: number, signal: AbortSignal) => Response | Promise<Response>,
  deadLetter = true,
): Promise<{ outcome: DeliveryOutcome; received: Received[]; clock: FakeClock }> {
  const clock = new FakeClock(0);
  const received: Received[] = [];
  let attempt = 0;
  const sender = new EventSender({
    store: new ResourceStore(":memory:"),
    scheme: { domain: "localhost", port: 8080 },
    dataPlaneFetch: async (req) => {
      const event = (await decodeHttpRequest(req)).events[0];
      received.push({ at: clock.now(), url: req.url, event });
      if (req.url === DLS) return new Response(null, { status: 202 });
      return await subscriber(++attempt, req.signal);
    },
  });
  const policy = resolveDeliveryPolicy(spec);
  const outcome = await clock.run(deliverEvent({
    event: EVENT,
    subscriber: { url: SUBSCRIBER },
    policy,
    deadLetter: deadLetter && policy.deadLetterSink ? { url: DLS } : undefined,
    clock,
    send: (url, event, opts) => sender.send(url, event, opts),
  }));
  return { outcome, received, clock };
}

const status = (code: number, body?: string) => () => new Response(body ?? null, { status: code });
const subscriberCalls = (r: Received[]) => r.filter((x) => x.url === SUBSCRIBER);

Deno.test("attempts are retry + 1 with linear backoff between them", async () => {
  const { outcome, received } = await run(
    { retry: 3, backoffPolicy: "linear", backoffDelay: "PT0.2S" },
    status(503),
    false,
  );
  equal(outcome.kind, "dropped");
  equal(outcome.attempts, 4);
  assertEquals(subscriberCalls(received).map((r) => r.at), [0, 200, 600, 1200]);
});

Deno.test("exponential backoff waits delay x 2^k before retry k", async () => {
  const { received } = await run(
    { retry: 3, backoffPolicy: "exponential", backoffDelay: "PT0.1S" },
    status(500),
    false,
  );
  assertEquals(subscriberCalls(received).map((r) => r.at), [0, 200, 600, 1400]);
});

Deno.test("a 400 is not retried and goes straight to the dead-letter sink", async () => {
  const { outcome, received } = await run(
    { retry: 5, backoffDelay: "PT1S", deadLetterSink: { uri: DLS } },
    status(400, "bad input"),
  );
  equal(outcome.kind, "dead-lettered");
  equal(outcome.attempts, 1);
  equal(subscriberCalls(received).length, 1);
});

Deno.test("retryable statuses are retried and a later success ends the delivery", async () => {
  for (const code of [404, 408, 409, 429, 500, 503]) {
    const { outcome } = await run({ retry: 2 }, (n) => new Response(null, { status: n < 3 ? code : 202 }));
    assertEquals(outcome, { kind: "delivered", attempts: 3 }, `status ${code}`);
  }
  for (const code of [401, 403, 413]) {
    const { outcome } = await run({ retry: 2 }, status(code));
    equal(outcome.attempts, 1, `status ${code}`);
  }
});

Deno.test("the dead-lettered event is the original with the knative error extensions", async () => {
  const { outcome, received } = await run(
    { retry: 1, deadLetterSink: { uri: DLS } },
    status(503, "overloaded"),
  );
  equal(outcome.kind, "dead-lettered");
  const dead = received.find((r) => r.url === DLS)!.event;
  equal(dead.id, EVENT.id);
  assertEquals(dead.data, EVENT.data);
  equal(dead.extensions.knativeerrordest, SUBSCRIBER);
  equal(dead.extensions.knativeerrorcode, "503");
  equal(dead.extensions.knativeerrordata, btoa("overloaded"));
});

Deno.test("an attempt that outlives the timeout is cut and retried", async () => {
  const { outcome, received } = await run(
    {
      retry: 1,
      timeout: "PT0.5S",
      backoffDelay: "PT0.1S",
      backoffPolicy: "linear",
      deadLetterSink: { uri: DLS },
    },
    (_n, signal) => new Promise((resolve) => signal.addEventListener("abort", () => resolve(new Response()))),
  );
  equal(outcome.kind, "dead-lettered");
  equal(outcome.attempts, 2);
  assertEquals(subscriberCalls(received).map((r) => r.at), [0, 600]);
  const dead = received.find((r) => r.url === DLS)!;
  equal(dead.at, 1100);
  equal(dead.event.extensions.knativeerrorcode, "500");
  assert(atob(String(dead.event.extensions.knativeerrordata)).includes("timed out"));
});

Deno.test("a 2xx answer carrying a CloudEvent is a reply", async () => {
  const { outcome } = await run({}, () => {
    const reply = encodeHttpBinary({ ...EVENT, id: "reply-1", type: "dev.test.reply" });
    return new Response(reply.body, { status: 200, headers: reply.headers });
  });
  equal(outcome.kind, "delivered");
  equal(outcome.kind === "delivered" && outcome.reply?.id, "reply-1");
});

Deno.test("a 2xx answer with a body that is not a CloudEvent is a failed attempt", async () => {
  const { outcome, received } = await run(
    { retry: 2, deadLetterSink: { uri: DLS } },
    status(200, "plain text"),
  );
  equal(outcome.kind, "dead-lettered");
  equal(outcome.attempts, 3);
  equal(received.find((r) => r.url === DLS)!.event.extensions.knativeerrorcode, "502");
});

Deno.test("an unresolved subscriber fails like a network error and is retried", async () => {
  const clock = new FakeClock(0);
  const outcome = await clock.run(deliverEvent({
    event: EVENT,
    subscriber: { error: 'Service "gone" does not exist' },
    policy: resolveDeliveryPolicy({ retry: 2, backoffDelay: "PT1S", backoffPolicy: "linear" }),
    clock,
    send: () => Promise.reject(new Error("not called")),
  }));
  equal(outcome.kind, "dropped");
  equal(outcome.attempts, 3);
  equal(clock.now(), 3000);
  assert(outcome.kind === "dropped" && String(outcome.failure.body).includes("gone"));
});

// The broker after a restart: a delivery that began before its subscriber Service was routable
// kept retrying the stale "does not resolve" answer, whatever the Service did meanwhile.
Deno.test("a subscriber given as a function is resolved again before every retry", async () => {
  const clock = new FakeClock(0);
  const sent: string[] = [];
  let resolvable = false;
  const delivering = deliverEvent({
    event: EVENT,
    subscriber: () => resolvable ? { url: SUBSCRIBER } : { error: "service sub is not ready" },
    policy: resolveDeliveryPolicy({ retry: 5, backoffPolicy: "linear", backoffDelay: "PT0.5S" }),
    clock,
    send: (url) => {
      sent.push(url);
      return Promise.resolve({ status: 202, body: new Uint8Array() });
    },
  });
  await clock.advance(600); // attempts at 0 and 500 ms failed: not resolvable
  resolvable = true;
  const outcome = await clock.run(delivering); // the third, 1 s later, resolves and delivers
  equal(outcome.kind, "delivered");
  equal(outcome.attempts, 3);
  assertEquals(sent, [SUBSCRIBER]);
});

Deno.test("a delivery backing off wakes when another delivery reached the same subscriber", async () => {
  const clock = new FakeClock(0);
  const recovery = new DestinationRecovery(clock);
  let up = false;
  const attempts: number[] = [];
  const policy = resolveDeliveryPolicy({ retry: 100, backoffPolicy: "linear", backoffDelay: "PT10S" });
  const send = () => {
    attempts.push(clock.now());
    return Promise.resolve({ status: up ? 202 : 503, body: new Uint8Array() });
  };
  const slow = deliverEvent({ event: EVENT, subscriber: { url: SUBSCRIBER }, policy, clock, send, recovery });
  await clock.advance(35_000); // attempts at 0, 10 s and 30 s; the next would be at 60 s
  up = true;
  const other = await deliverEvent({
    event: { ...EVENT, id: "ev-2" },
    subscriber: { url: SUBSCRIBER },
    policy,
    clock,
    send,
    recovery,
  });
  equal(other.kind, "delivered");
  await clock.advance(0);
  const outcome = await slow;
  equal(outcome.kind, "delivered");
  assert(attempts.at(-1)! < 60_000, `the woken delivery retried at ${attempts.at(-1)} ms, not at 60 s`);
});
