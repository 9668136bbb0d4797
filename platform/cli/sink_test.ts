import assert from "node:assert/strict";
import { parseSink, sinkText } from "./sink.ts";
import { UsageError } from "./cli_error.ts";

Deno.test("parseSink() reads kn's sink notations", () => {
  assert.deepEqual(parseSink("ksvc:hello"), {
    ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "hello" },
  });
  assert.deepEqual(parseSink("hello"), parseSink("ksvc:hello"));
  assert.deepEqual(parseSink("broker:default"), {
    ref: { apiVersion: "eventing.knative.dev/v1", kind: "Broker", name: "default" },
  });
  assert.deepEqual(parseSink("ksvc:hello:other"), {
    ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "hello", namespace: "other" },
  });
  assert.deepEqual(parseSink("https://example.com/events"), { uri: "https://example.com/events" });
});

Deno.test("parseSink() refuses unknown prefixes and empty names", () => {
  assert.throws(
    () => parseSink("channel:x"),
    (e) => e instanceof UsageError && /want ksvc:NAME/.test(e.message),
  );
  assert.throws(() => parseSink("ksvc:"), /want ksvc:NAME/);
});

Deno.test("sinkText() writes a destination back in the --sink notation", () => {
  assert.equal(sinkText(parseSink("ksvc:hello")), "ksvc:hello");
  assert.equal(sinkText(parseSink("broker:b:ns")), "broker:b:ns");
  assert.equal(sinkText({ uri: "http://x/" }), "http://x/");
  assert.equal(sinkText({ ref: { apiVersion: "v1", kind: "Thing", name: "t" } }), "Thing:t");
  assert.equal(sinkText(undefined), "");
});
