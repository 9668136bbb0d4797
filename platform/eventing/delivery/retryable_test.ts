import assert from "node:assert/strict";
import { isRetryable, isSuccessStatus } from "./retryable.ts";

Deno.test("server errors, 404, 408, 409, 429, network errors and timeouts are retried", () => {
  for (const result of [500, 502, 503, 504, 599, 404, 408, 409, 429, "network", "timeout"] as const) {
    assert.ok(isRetryable(result), String(result));
  }
});

Deno.test("other client errors, redirects and successes are not retried", () => {
  for (const status of [400, 401, 403, 405, 410, 413, 415, 422, 301, 302, 100, 200, 202]) {
    assert.ok(!isRetryable(status), String(status));
  }
});

Deno.test("only 2xx statuses are successes", () => {
  assert.ok(isSuccessStatus(200));
  assert.ok(isSuccessStatus(202));
  assert.ok(isSuccessStatus(299));
  assert.ok(!isSuccessStatus(199));
  assert.ok(!isSuccessStatus(300));
});
