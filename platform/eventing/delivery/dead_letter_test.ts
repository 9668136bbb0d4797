import assert from "node:assert/strict";
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import {
  deadLetterExtensions,
  failureOf,
  KNATIVE_ERROR_DATA_MAX_LENGTH,
  withDeadLetterExtensions,
} from "./dead_letter.ts";

const event: CloudEvent = {
  specversion: "1.0",
  id: "1",
  source: "/s",
  type: "t",
  extensions: { tenant: "acme" },
  data: { order: 1 },
};

Deno.test("the dead-letter extensions name the subscriber, the last status and the body in base64", () => {
  assert.deepEqual(
    deadLetterExtensions({ destination: "http://subscriber.local/", status: 503, body: "unavailable" }),
    {
      knativeerrordest: "http://subscriber.local/",
      knativeerrorcode: 503,
      knativeerrordata: "dW5hdmFpbGFibGU=",
    },
  );
});

Deno.test("binary response bodies are base64-encoded as they are", () => {
  const { knativeerrordata } = deadLetterExtensions({
    destination: "http://s/",
    status: 500,
    body: new Uint8Array([0, 255]),
  });
  assert.equal(knativeerrordata, "AP8=");
});

Deno.test("knativeerrordata is cut to 1024 characters", () => {
  const body = "x".repeat(5000);
  const { knativeerrordata } = deadLetterExtensions({ destination: "http://s/", status: 500, body });
  assert.equal(knativeerrordata!.length, KNATIVE_ERROR_DATA_MAX_LENGTH);
  assert.equal(knativeerrordata, new TextEncoder().encode(body).toBase64().slice(0, 1024));
});

Deno.test("an empty body leaves knativeerrordata out", () => {
  assert.ok(
    !("knativeerrordata" in deadLetterExtensions({ destination: "http://s/", status: 404, body: "" })),
  );
  assert.ok(!("knativeerrordata" in deadLetterExtensions({ destination: "http://s/", status: 404 })));
});

Deno.test("the dead-lettered event is the original with the error extensions added", () => {
  const dead = withDeadLetterExtensions(event, { destination: "http://s/", status: 500, body: "boom" });
  assert.deepEqual(dead, {
    ...event,
    extensions: {
      tenant: "acme",
      knativeerrordest: "http://s/",
      knativeerrorcode: 500,
      knativeerrordata: "Ym9vbQ==",
    },
  });
  assert.deepEqual(event.extensions, { tenant: "acme" });
});

Deno.test("error extensions from an earlier failure are replaced, not mixed", () => {
  const earlier = withDeadLetterExtensions(event, { destination: "http://a/", status: 500, body: "old" });
  const later = withDeadLetterExtensions(earlier, { destination: "http://b/", status: 404 });
  assert.deepEqual(later.extensions, {
    tenant: "acme",
    knativeerrordest: "http://b/",
    knativeerrorcode: 404,
  });
});

Deno.test("a response outcome keeps its status and body", () => {
  assert.deepEqual(
    failureOf("http://s/", { kind: "response", response: { status: 429, body: "slow down" } }),
    {
      destination: "http://s/",
      status: 429,
      body: "slow down",
    },
  );
});

Deno.test("network errors and timeouts are reported as 500 with a dispatch error body", () => {
  assert.deepEqual(failureOf("http://s/", { kind: "network", error: new TypeError("connection refused") }), {
    destination: "http://s/",
    status: 500,
    body: "dispatch error: connection refused",
  });
  assert.deepEqual(failureOf("http://s/", { kind: "timeout", timeoutMs: 250 }), {
    destination: "http://s/",
    status: 500,
    body: "dispatch error: timed out after 250ms",
  });
});
