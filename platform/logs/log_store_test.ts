import assert from "node:assert/strict";
import { FakeClock } from "../clock/fake_clock.ts";
import type { LogEntry } from "./log_entry.ts";
import { ACCESS_LINE_BYTES, LogStore } from "./log_store.ts";

function entry(time: number, message: string, revision = "hello-00001", service = "hello"): LogEntry {
  return { time, namespace: "default", service, revision, instance: 1, level: "info", kind: "app", message };
}

Deno.test("LogStore keeps each revision under its byte bound, dropping the oldest first", () => {
  const clock = new FakeClock(1000);
  const store = new LogStore({ maxBytes: 10 * (128 + 10), maxAgeMs: 60_000 }, clock);
  for (let i = 0; i < 25; i++) store.append(entry(1000 + i, `line ${String(i).padStart(5, "0")}`));
  store.append(entry(1000, "other revision", "hello-00002"));
  const kept = store.query({ namespace: "default", service: "hello", revision: "hello-00001" });
  assert.equal(kept.length, 10);
  assert.equal(kept[0].message, "line 00015");
  assert.equal(kept.at(-1)!.message, "line 00024");
  assert.equal(store.dropped, 15);
  assert.equal(store.query({ namespace: "default", service: "hello" }).length, 11);
});

Deno.test("LogStore forgets entries older than its age bound", async () => {
  const clock = new FakeClock(0);
  const store = new LogStore({ maxBytes: 1 << 20, maxAgeMs: 1000 }, clock);
  store.append(entry(0, "old"));
  await clock.advance(600);
  store.append(entry(600, "newer"));
  await clock.advance(600);
  assert.deepEqual(store.query({ namespace: "default", service: "hello" }).map((e) => e.message), ["newer"]);
  await clock.advance(1000);
  assert.deepEqual(store.query({ namespace: "default", service: "hello" }), []);
});

Deno.test("LogStore answers since and tail, oldest first across revisions, and only the asked service", () => {
  const store = new LogStore({ maxBytes: 1 << 20, maxAgeMs: 60_000 }, new FakeClock(0));
  store.append(entry(3, "c", "hello-00002"));
  store.append(entry(1, "a"));
  store.append(entry(2, "b"));
  store.append(entry(2, "elsewhere", "bye-00001", "bye"));
  const q = { namespace: "default", service: "hello" };
  assert.deepEqual(store.query(q).map((e) => e.message), ["a", "b", "c"]);
  assert.deepEqual(store.query({ ...q, since: 2 }).map((e) => e.message), ["b", "c"]);
  assert.deepEqual(store.query({ ...q, tail: 1 }).map((e) => e.message), ["c"]);
  assert.deepEqual(store.query({ ...q, revision: "hello-00001" }).map((e) => e.message), ["a", "b"]);
});

Deno.test("LogStore.follow() passes on new matching entries until unsubscribed", () => {
  const store = new LogStore({ maxBytes: 1 << 20, maxAgeMs: 60_000 }, new FakeClock(0));
  const seen: string[] = [];
  const stop = store.follow({ namespace: "default", service: "hello" }, (e) => seen.push(e.message));
  store.append(entry(0, "one"));
  store.append(entry(0, "not mine", "bye-00001", "bye"));
  stop();
  store.append(entry(0, "after"));
  assert.deepEqual(seen, ["one"]);
});

Deno.test("LogStore keeps the newest entries in order through many drops (bulk compaction)", () => {
  const store = new LogStore({ maxBytes: 100 * (128 + 10), maxAgeMs: 60_000 }, new FakeClock(0));
  for (let i = 0; i < 5000; i++) store.append(entry(0, `line ${String(i).padStart(5, "0")}`));
  const kept = store.query({ namespace: "default", service: "hello" });
  assert.equal(kept.length, 100);
  assert.equal(kept[0].message, "line 04900");
  assert.equal(kept.at(-1)!.message, "line 04999");
  assert.equal(store.dropped, 4900);
});

Deno.test("LogStore: access lines sit beside printed ones in time order, followed, bounded and aged", async () => {
  const clock = new FakeClock(1000);
  const store = new LogStore({ maxBytes: 3 * ACCESS_LINE_BYTES, maxAgeMs: 60_000 }, clock);
  const followed: string[] = [];
  store.follow({ namespace: "default", service: "hello" }, (e) => followed.push(`${e.kind} ${e.message}`));
  const ring = store.accessRing("default", "hello", "hello-00001");
  const access = (time: number, path: string) =>
    store.appendAccess(ring, {
      time,
      instance: 1,
      method: "GET",
      url: `http://hello.default.localhost${path}`,
      status: 200,
      durationMs: 1,
      coldStart: false,
    });
  access(1000, "/a");
  store.append(entry(1001, "printed"));
  access(1002, "/b");
  assert.deepEqual(
    store.query({ namespace: "default", service: "hello" }).map((e) => e.message),
    ["GET /a 200 1.0ms", "printed", "GET /b 200 1.0ms"],
  );
  assert.deepEqual(followed, ["access GET /a 200 1.0ms", "app printed", "access GET /b 200 1.0ms"]);
  // Three access lines fit; a fourth pushes out the oldest access line, not the printed one.
  access(1003, "/c");
  access(1004, "/d");
  assert.deepEqual(
    store.query({ namespace: "default", service: "hello" }).map((e) => e.message),
    ["printed", "GET /b 200 1.0ms", "GET /c 200 1.0ms", "GET /d 200 1.0ms"],
  );
  assert.equal(store.dropped, 1);
  assert.deepEqual(store.query({ namespace: "default", service: "other" }), []);
  assert.equal(store.query({ namespace: "default", service: "hello", since: 1004 }).length, 1);
  // Past the age bound everything goes, and the ring is let go: lines go to a new one.
  await clock.advance(61_000);
  assert.deepEqual(store.query({ namespace: "default", service: "hello" }), []);
  assert.equal(ring.detached, true);
  const next = store.accessRing("default", "hello", "hello-00001");
  assert.notEqual(next, ring);
  assert.equal(next.size, 0);
});
