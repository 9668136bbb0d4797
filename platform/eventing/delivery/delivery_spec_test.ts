import assert from "node:assert/strict";
import { parseDeliverySpec } from "./delivery_spec.ts";
import { DeliverySpecError } from "./delivery_spec_error.ts";

function issuesOf(input: unknown, path?: string) {
  try {
    parseDeliverySpec(input, path);
  } catch (error) {
    if (error instanceof DeliverySpecError) return error.issues;
    throw error;
  }
  throw new Error("expected a DeliverySpecError");
}

Deno.test("a complete Knative delivery block is accepted as written", () => {
  const spec = {
    retry: 3,
    backoffPolicy: "exponential",
    backoffDelay: "PT0.2S",
    timeout: "PT5S",
    deadLetterSink: { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "dls" } },
    format: "binary",
  };
  assert.deepEqual(parseDeliverySpec(spec), spec);
});

Deno.test("an absent delivery block means no settings", () => {
  assert.deepEqual(parseDeliverySpec(undefined), {});
  assert.deepEqual(parseDeliverySpec(null), {});
});

Deno.test("a bad backoffDelay is reported at spec.delivery.backoffDelay", () => {
  const [issue] = issuesOf({ backoffDelay: "200ms" });
  assert.equal(issue.path, "spec.delivery.backoffDelay");
  assert.match(issue.reason, /ISO 8601 duration/);
});

Deno.test("the error message and first path name the offending field", () => {
  assert.throws(
    () => parseDeliverySpec({ retry: -1 }),
    (error: unknown) =>
      error instanceof DeliverySpecError &&
      error.path === "spec.delivery.retry" &&
      error.reason === "must be a non-negative integer" &&
      error.message === "spec.delivery.retry: must be a non-negative integer",
  );
});

Deno.test("retry must be a non-negative 32-bit integer", () => {
  for (const retry of [-1, 1.5, "3", 2 ** 31]) {
    assert.deepEqual(issuesOf({ retry }), [{
      path: "spec.delivery.retry",
      reason: "must be a non-negative integer",
    }]);
  }
});

Deno.test("backoffPolicy must be linear or exponential", () => {
  assert.deepEqual(issuesOf({ backoffPolicy: "constant" }), [
    { path: "spec.delivery.backoffPolicy", reason: 'must be "linear" or "exponential"' },
  ]);
});

Deno.test("a negative backoffDelay and a zero timeout are refused", () => {
  assert.deepEqual(issuesOf({ backoffDelay: "-PT1S" }), [
    { path: "spec.delivery.backoffDelay", reason: "must not be negative" },
  ]);
  assert.deepEqual(issuesOf({ timeout: "PT0S" }), [
    { path: "spec.delivery.timeout", reason: "must be greater than zero" },
  ]);
});

Deno.test("every problem is listed, each with its own path", () => {
  const issues = issuesOf({ retry: -2, timeout: "soon", extra: true });
  assert.deepEqual(issues.map((i) => i.path).sort(), [
    "spec.delivery.extra",
    "spec.delivery.retry",
    "spec.delivery.timeout",
  ]);
  assert.equal(issues.find((i) => i.path === "spec.delivery.extra")!.reason, "unknown field");
});

Deno.test("a dead-letter sink needs a ref or an absolute URL", () => {
  assert.deepEqual(issuesOf({ deadLetterSink: {} }), [
    { path: "spec.delivery.deadLetterSink", reason: "needs a ref or a uri" },
  ]);
  assert.deepEqual(issuesOf({ deadLetterSink: { uri: "/relative" } }), [
    {
      path: "spec.delivery.deadLetterSink.uri",
      reason: "must be an absolute http(s) URL when there is no ref",
    },
  ]);
  assert.deepEqual(parseDeliverySpec({ deadLetterSink: { uri: "https://dls.example.com/events" } }), {
    deadLetterSink: { uri: "https://dls.example.com/events" },
  });
});

Deno.test("a dead-letter ref needs apiVersion, kind and name and may carry a relative uri", () => {
  assert.deepEqual(issuesOf({ deadLetterSink: { ref: { kind: "Service" } } }).map((i) => i.path), [
    "spec.delivery.deadLetterSink.ref.apiVersion",
    "spec.delivery.deadLetterSink.ref.name",
  ]);
  const sink = { ref: { apiVersion: "v1", kind: "Service", name: "dls", namespace: "ns" }, uri: "/path" };
  assert.deepEqual(parseDeliverySpec({ deadLetterSink: sink }), { deadLetterSink: sink });
});

Deno.test("paths start at the given base path", () => {
  assert.equal(issuesOf({ retry: -1 }, "spec.config.delivery")[0].path, "spec.config.delivery.retry");
});

Deno.test("a delivery block that is not an object is refused at its own path", () => {
  assert.deepEqual(issuesOf("fast"), [{ path: "spec.delivery", reason: "must be an object" }]);
});
