import assert from "node:assert/strict";
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import { systemClock } from "./clock.ts";
import { failureOf, withDeadLetterExtensions } from "./dead_letter.ts";
import { resolveDeliveryPolicy } from "./delivery_policy.ts";
import type { DeliverySpec } from "./delivery_spec.ts";
import { FakeClock } from "./fake_clock.ts";
import { type AttemptContext, retryLoop } from "./retry_loop.ts";

interface Reply {
  status: number;
  body?: string;
}

/** A subscriber answering with the given statuses in turn ("throw" = connection error), recording calls. */
function scripted(clock: FakeClock, script: (number | "throw")[]) {
  const calls: { attempt: number; at: number }[] = [];
  const send = (context: AttemptContext): Promise<Reply> => {
    calls.push({ attempt: context.attempt, at: clock.now() });
    const step = script[Math.min(context.attempt - 1, script.length - 1)];
    if (step === "throw") return Promise.reject(new TypeError("connection refused"));
    return Promise.resolve({ status: step, body: `status ${step}` });
  };
  return { calls, send };
}

function run(spec: DeliverySpec, script: (number | "throw")[]) {
  const clock = new FakeClock();
  const { calls, send } = scripted(clock, script);
  const result = clock.run(retryLoop({ policy: resolveDeliveryPolicy(spec), clock, send }));
  return { clock, calls, result };
}

Deno.test("a first-time success takes one attempt and no time", async () => {
  const { clock, calls, result } = run({ retry: 3, backoffDelay: "PT1S" }, [202]);
  const outcome = await result;
  assert.equal(outcome.delivered, true);
  assert.equal(outcome.attempts, 1);
  assert.deepEqual(outcome.waits, []);
  assert.equal(calls.length, 1);
  assert.equal(clock.now(), 0);
});

Deno.test("a subscriber that keeps failing gets exactly retry + 1 attempts", async () => {
  const { calls, result } = run({ retry: 4 }, [503]);
  const outcome = await result;
  assert.equal(outcome.delivered, false);
  assert.equal(outcome.attempts, 5);
  assert.deepEqual(calls.map((c) => c.attempt), [1, 2, 3, 4, 5]);
  assert.deepEqual(outcome.outcome, { kind: "response", response: { status: 503, body: "status 503" } });
});

Deno.test("exponential backoff of PT0.2S waits 400, 800 and 1600 ms before retries 1 to 3", async () => {
  const { clock, calls, result } = run({ retry: 3, backoffPolicy: "exponential", backoffDelay: "PT0.2S" }, [
    500,
  ]);
  const outcome = await result;
  assert.deepEqual(outcome.waits, [400, 800, 1600]);
  assert.deepEqual(calls.map((c) => c.at), [0, 400, 1200, 2800]);
  assert.equal(clock.now(), 2800);
});

Deno.test("linear backoff of PT0.2S waits 200, 400 and 600 ms before retries 1 to 3", async () => {
  const { clock, calls, result } = run({ retry: 3, backoffPolicy: "linear", backoffDelay: "PT0.2S" }, [429]);
  const outcome = await result;
  assert.deepEqual(outcome.waits, [200, 400, 600]);
  assert.deepEqual(calls.map((c) => c.at), [0, 200, 600, 1200]);
  assert.equal(clock.now(), 1200);
});

Deno.test("a 400 answer is not retried", async () => {
  const { clock, calls, result } = run({ retry: 5, backoffDelay: "PT1S" }, [400, 202]);
  const outcome = await result;
  assert.equal(outcome.delivered, false);
  assert.equal(outcome.attempts, 1);
  assert.equal(calls.length, 1);
  assert.deepEqual(outcome.waits, []);
  assert.equal(clock.now(), 0);
});

Deno.test("a redirect is a failure that is not retried", async () => {
  const outcome = await run({ retry: 2 }, [302]).result;
  assert.equal(outcome.delivered, false);
  assert.equal(outcome.attempts, 1);
});

Deno.test("a 404 then a network error are retried until the subscriber accepts", async () => {
  const { clock, result } = run({ retry: 5, backoffPolicy: "linear", backoffDelay: "PT1S" }, [
    404,
    "throw",
    200,
  ]);
  const outcome = await result;
  assert.equal(outcome.delivered, true);
  assert.equal(outcome.attempts, 3);
  assert.deepEqual(outcome.outcomes.map((o) => o.kind), ["response", "network", "response"]);
  assert.deepEqual(outcome.waits, [1000, 2000]);
  assert.equal(clock.now(), 3000);
});

Deno.test("retry zero means a single attempt even when it fails retryably", async () => {
  const outcome = await run({ retry: 0, backoffDelay: "PT1S" }, [503]).result;
  assert.equal(outcome.attempts, 1);
  assert.deepEqual(outcome.waits, []);
});

Deno.test("an attempt that outlives the timeout is aborted, counted as a timeout and retried", async () => {
  const clock = new FakeClock();
  const aborted: unknown[] = [];
  const send = ({ signal }: AttemptContext) =>
    new Promise<Reply>((_, reject) => {
      signal.addEventListener("abort", () => {
        aborted.push(signal.reason);
        reject(signal.reason);
      });
    });
  const policy = resolveDeliveryPolicy({
    retry: 2,
    backoffPolicy: "linear",
    backoffDelay: "PT0.1S",
    timeout: "PT1S",
  });
  const outcome = await clock.run(retryLoop({ policy, clock, send }));
  assert.equal(outcome.delivered, false);
  assert.equal(outcome.attempts, 3);
  assert.deepEqual(outcome.outcomes, [
    { kind: "timeout", timeoutMs: 1000 },
    { kind: "timeout", timeoutMs: 1000 },
    { kind: "timeout", timeoutMs: 1000 },
  ]);
  // Three one-second attempts with 100 ms and 200 ms of backoff between them.
  assert.equal(clock.now(), 3300);
  assert.equal(aborted.length, 3);
  assert.ok(aborted.every((reason) => reason instanceof DOMException && reason.name === "TimeoutError"));
});

Deno.test("an attempt answering within the timeout is not cut short and leaves no timer behind", async () => {
  const clock = new FakeClock();
  const send = async ({ signal }: AttemptContext): Promise<Reply> => {
    await clock.sleep(300, signal);
    return { status: 202 };
  };
  const policy = resolveDeliveryPolicy({ retry: 2, timeout: "PT1S" });
  const outcome = await clock.run(retryLoop({ policy, clock, send }));
  assert.equal(outcome.delivered, true);
  assert.equal(outcome.attempts, 1);
  assert.equal(clock.now(), 300);
  assert.equal(clock.pendingTimers, 0);
});

Deno.test("a slow attempt times out and the next, faster one is delivered", async () => {
  const clock = new FakeClock();
  const durations = [5000, 100];
  const send = async ({ attempt, signal }: AttemptContext): Promise<Reply> => {
    await clock.sleep(durations[attempt - 1], signal);
    if (signal.aborted) throw signal.reason;
    return { status: 200 };
  };
  const policy = resolveDeliveryPolicy({
    retry: 1,
    backoffPolicy: "exponential",
    backoffDelay: "PT0.5S",
    timeout: "PT2S",
  });
  const outcome = await clock.run(retryLoop({ policy, clock, send }));
  assert.equal(outcome.delivered, true);
  assert.deepEqual(outcome.outcomes.map((o) => o.kind), ["timeout", "response"]);
  assert.equal(clock.now(), 2000 + 1000 + 100);
});

Deno.test("an event whose retries run out is dead-lettered with the last status and body", async () => {
  const event: CloudEvent = { specversion: "1.0", id: "1", source: "/s", type: "t", extensions: {} };
  const { result } = run({ retry: 1, deadLetterSink: { uri: "http://dls.local/" } }, [500, 503]);
  const outcome = await result;
  assert.equal(outcome.delivered, false);
  const dead = withDeadLetterExtensions(event, failureOf("http://subscriber.local/", outcome.outcome));
  assert.deepEqual(dead.extensions, {
    knativeerrordest: "http://subscriber.local/",
    knativeerrorcode: 503,
    knativeerrordata: new TextEncoder().encode("status 503").toBase64(),
  });
});

Deno.test("the loop also runs on the real clock", async () => {
  let calls = 0;
  const send = (): Promise<Reply> => Promise.resolve({ status: ++calls < 2 ? 503 : 200 });
  const policy = resolveDeliveryPolicy({ retry: 2, backoffPolicy: "linear", backoffDelay: "PT0.01S" });
  const outcome = await retryLoop({ policy, clock: systemClock, send });
  assert.equal(outcome.delivered, true);
  assert.deepEqual(outcome.waits, [10]);
});
