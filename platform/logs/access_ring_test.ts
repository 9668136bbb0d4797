import assert from "node:assert/strict";
import { AccessRing } from "./access_ring.ts";

const push = (ring: AccessRing, time: number, url = `http://h/p${time}`) =>
  ring.push({
    time,
    instance: time % 2 === 0 ? time : undefined,
    method: "GET",
    url,
    status: 200 + (time % 3),
    durationMs: time / 10,
    coldStart: time % 5 === 0,
  });

Deno.test("AccessRing keeps the newest lines, oldest first, as they were written", () => {
  const ring = new AccessRing("default", "hello", "hello-00001", 100);
  let dropped = 0;
  for (let t = 1; t <= 250; t++) if (push(ring, t)) dropped++;
  assert.equal(ring.size, 100);
  assert.equal(dropped, 150);
  const lines = ring.linesSince(0);
  assert.deepEqual(lines.map((l) => l.time), Array.from({ length: 100 }, (_, i) => 151 + i));
  const l = lines[9]; // time 160
  assert.equal(l.url, "http://h/p160");
  assert.equal(l.instance, 160);
  assert.equal(lines[10].instance, undefined);
  assert.equal(l.status, 200 + (160 % 3));
  assert.equal(l.durationMs, 16);
  assert.equal(l.coldStart, true);
  assert.equal(l.revision, "hello-00001");
  assert.equal(ring.newest, 250);
});

Deno.test("AccessRing: linesSince starts at the first line at or after the time", () => {
  const ring = new AccessRing("default", "hello", "hello-00001", 1000);
  for (let t = 1; t <= 300; t++) push(ring, t); // past its first rooms: the columns grew
  assert.deepEqual(ring.linesSince(298).map((l) => l.time), [298, 299, 300]);
  assert.deepEqual(ring.linesSince(301), []);
  assert.equal(ring.linesSince(0).length, 300);
});

Deno.test("AccessRing: equal URLs share one string; the lines still read right", () => {
  const ring = new AccessRing("default", "hello", "hello-00001", 10);
  // Made anew each time (as a request's URL is), equal every other time.
  for (let t = 1; t <= 5; t++) push(ring, t, ["http://h/", t % 2 ? "" : "x"].join(""));
  assert.deepEqual(ring.linesSince(0).map((l) => l.url), [
    "http://h/",
    "http://h/x",
    "http://h/",
    "http://h/x",
    "http://h/",
  ]);
});

Deno.test("AccessRing: a trace id stays with its line", () => {
  const ring = new AccessRing("default", "hello", "hello-00001", 2);
  const line = { instance: 1, method: "GET", url: "http://h/", status: 200, durationMs: 1, coldStart: false };
  ring.push({ ...line, time: 1, traceId: "abc" });
  ring.push({ ...line, time: 2 });
  assert.deepEqual(ring.linesSince(0).map((l) => l.traceId), ["abc", undefined]);
});
