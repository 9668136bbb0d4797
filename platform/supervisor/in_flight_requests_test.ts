import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import {
  decodeRequestHead,
  forEachFrame,
  FrameType,
  headFrame,
  responseHeadText,
} from "../../runtime/protocol.ts";
import { InFlightRequests } from "./in_flight_requests.ts";
import type { RelayLink } from "./request_relay.ts";

/** A link that records the request heads sent on it, by stream. */
class RecordingLink implements RelayLink {
  gone = false;
  heads = new Map<number, string>();
  /** Streams this link was told to abort. */
  aborts: number[] = [];
  send(type: FrameType, stream: number) {
    if (type === FrameType.Abort) this.aborts.push(stream);
  }
  sendHead(type: FrameType, stream: number, text: string, body?: Uint8Array) {
    forEachFrame(headFrame(type, stream, text, body), (t, s, payload) => {
      if (t === FrameType.RequestHead) this.heads.set(s, decodeRequestHead(payload).head.url);
    });
  }
}

interface TestInstance {
  id: number;
}

function flights(clock: FakeClock, unanswered: TestInstance[] = []) {
  return new InFlightRequests<TestInstance>({
    clock,
    revision: "hello-00001",
    timeouts: { timeoutMs: 1_000, responseStartMs: 1_000, idleMs: 0 },
    sockets: { clock, limits: { idleTimeoutMs: 0, backlogBytes: 1 << 20, clientBufferBytes: 1 << 20 } },
    unanswered: (i) => unanswered.push(i),
  });
}

/** The instance's answer to the request of `stream`, as frames arriving on the link. */
function answer(f: InFlightRequests<TestInstance>, stream: number, body: string) {
  const text = responseHeadText(200, "", new Headers(), "inline");
  forEachFrame(headFrame(FrameType.Response, stream, text, body), (t, s, p) => f.frame(s, t, p));
}

Deno.test("InFlightRequests: each request gets its own stream; frames reach the right one; done once", async () => {
  const clock = new FakeClock(0);
  const f = flights(clock);
  const link = new RecordingLink();
  const done: number[] = [];
  const a = f.send({ id: 1 }, link, new Request("http://x/a"), "/a", 0, undefined, (s) => done.push(s));
  const b = f.send({ id: 1 }, link, new Request("http://x/b"), "/b", 0, undefined, (s) => done.push(s));
  const [[sa], [sb]] = [...link.heads].sort((x, y) => x[1].localeCompare(y[1]));
  assert.notEqual(sa, sb);
  answer(f, sb, "for b");
  answer(f, sa, "for a");
  assert.equal(await (await a).text(), "for a");
  assert.equal(await (await b).text(), "for b");
  assert.deepEqual(done, [200, 200]);
});

Deno.test("InFlightRequests: past its deadline a request unanswered gets 504 and its instance is reported", async () => {
  const clock = new FakeClock(0);
  const unanswered: TestInstance[] = [];
  const f = flights(clock, unanswered);
  const done: number[] = [];
  const instance = { id: 7 };
  const res = f.send(
    instance,
    new RecordingLink(),
    new Request("http://x/"),
    "/",
    0,
    undefined,
    (s) => done.push(s),
  );
  await clock.advance(900);
  assert.deepEqual(done, []);
  await clock.advance(300);
  assert.equal((await res).status, 504);
  assert.deepEqual(done, [504]);
  assert.deepEqual(unanswered, [instance]);
});

Deno.test("InFlightRequests: a lost instance fails only its own requests; failAll answers the rest", async () => {
  const clock = new FakeClock(0);
  const f = flights(clock);
  const link = new RecordingLink();
  const one = f.send({ id: 1 }, link, new Request("http://x/1"), "/1", 0, undefined, () => {});
  const two = f.send({ id: 2 }, link, new Request("http://x/2"), "/2", 0, undefined, () => {});
  f.failOn(1, 502, "instance 1 died");
  assert.equal((await one).status, 502);
  f.failAll(503, "stopped");
  assert.equal((await two).status, 503);
});

Deno.test("InFlightRequests: a request to an instance whose link is gone is answered 502", async () => {
  const clock = new FakeClock(0);
  const f = flights(clock);
  const link = new RecordingLink();
  link.gone = true;
  const res = await f.send({ id: 1 }, link, new Request("http://x/"), "/", 0, undefined, () => {});
  assert.equal(res.status, 502);
  assert.match(await res.text(), /crashed/);
});

Deno.test("InFlightRequests: a caller leaving is watched from the first sweep a request is still running at", async () => {
  const clock = new FakeClock(0);
  const f = flights(clock);
  const link = new RecordingLink();
  // Answered before any sweep: its signal is never read (that costs Deno a cancel handler per request).
  let reads = 0;
  const quick = new Request("http://x/quick");
  const signal = quick.signal;
  Object.defineProperty(quick, "signal", { get: () => (reads++, signal) });
  const quickDone = f.send({ id: 1 }, link, quick, "/quick", 0, undefined, () => {});
  answer(f, [...link.heads.keys()][0], "ok");
  await quickDone;
  // Still running at the first sweep: from then on its caller's leaving cancels it.
  const caller = new AbortController();
  f.send(
    { id: 1 },
    link,
    new Request("http://x/slow", { signal: caller.signal }),
    "/slow",
    0,
    undefined,
    () => {},
  );
  const slowStream = [...link.heads.keys()][1];
  await clock.advance(150);
  assert.equal(reads, 0);
  assert.deepEqual(link.aborts, []);
  caller.abort();
  // (Its Response never comes: nobody is left to take it.)
  assert.deepEqual(link.aborts, [slowStream]);
});

Deno.test("InFlightRequests: a text body arrives as the same bytes (a leading BOM and non-ASCII included)", async () => {
  const f = flights(new FakeClock(0));
  const link = new RecordingLink();
  const res = f.send({ id: 1 }, link, new Request("http://x/"), "/", 0, undefined, () => {});
  const sent = "\uFEFFgrüße 🎉\n";
  const text = responseHeadText(200, "", new Headers({ "content-type": "text/plain;charset=UTF-8" }), "text");
  forEachFrame(
    headFrame(FrameType.Response, [...link.heads.keys()][0], text, sent),
    (t, s, p) => f.frame(s, t, p),
  );
  const response = await res;
  assert.equal(response.headers.get("content-type"), "text/plain;charset=UTF-8");
  assert.deepEqual(new Uint8Array(await response.arrayBuffer()), new TextEncoder().encode(sent));
});
