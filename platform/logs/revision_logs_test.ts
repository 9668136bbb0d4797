import assert from "node:assert/strict";
import { RevisionLogs } from "./revision_logs.ts";
import { LogStore } from "./log_store.ts";
import { FakeClock } from "../clock/fake_clock.ts";
import { pathOf } from "./log_entry.ts";
import type { RevisionRuntimeSpec } from "../supervisor/revision_runtime_spec.ts";

Deno.test("pathOf() keeps the path and query of an absolute URL", () => {
  assert.equal(pathOf("http://hello.default.localhost:8080/a/b?x=1"), "/a/b?x=1");
  assert.equal(pathOf("http://hello.default.localhost:8080"), "/");
  assert.equal(pathOf("/already"), "/already");
});

Deno.test("requestDone() writes one access line with the request's outcome, read back as text and record", () => {
  const clock = new FakeClock(1000);
  const store = new LogStore({ maxBytes: 1 << 20, maxAgeMs: 60_000 }, clock);
  const logs = new RevisionLogs(store, () => true, clock);
  const spec = { namespace: "default", service: "hello", revision: "hello-00001" } as RevisionRuntimeSpec;
  logs.requestDone(spec, {
    request: new Request("http://x/"),
    start: 0,
    waitMs: 40,
    method: "POST",
    url: "http://hello.default.localhost/orders?id=7",
    status: 503,
    durationMs: 41.26,
    instance: undefined,
    coldStart: true,
    viaActivator: true,
  }, "trace-1");
  const [e] = store.query({ namespace: "default", service: "hello" });
  assert.equal(e.kind, "access");
  assert.equal(e.level, "error");
  assert.equal(e.time, 1000);
  assert.equal(e.instance, undefined);
  assert.equal(e.traceId, "trace-1");
  assert.equal(e.message, "POST /orders?id=7 503 41.3ms cold-start");
  assert.deepEqual(e.access, {
    method: "POST",
    path: "/orders?id=7",
    status: 503,
    durationMs: 41.3,
    coldStart: true,
  });
  // As it is served (JSON lines) and read back: text and record included.
  const served = JSON.parse(JSON.stringify(e));
  assert.equal(served.message, "POST /orders?id=7 503 41.3ms cold-start");
  assert.equal(served.level, "error");
  assert.equal(served.kind, "access");
  assert.equal(served.traceId, "trace-1");
  assert.deepEqual(served.access, e.access);
});
