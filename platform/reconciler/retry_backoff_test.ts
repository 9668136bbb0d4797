import assert from "node:assert/strict";
import { RECONCILE_RETRY, retryDelay } from "./retry_backoff.ts";

Deno.test("retryDelay() doubles from the base and stops at the cap", () => {
  const backoff = { baseMs: 100, maxMs: 1_000 };
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, backoff)), [100, 200, 400, 800, 1_000, 1_000]);
});

Deno.test("retryDelay() is 0 before any failure and stays capped after very many", () => {
  assert.equal(retryDelay(0), 0);
  assert.equal(retryDelay(1), RECONCILE_RETRY.baseMs);
  assert.equal(retryDelay(5_000), RECONCILE_RETRY.maxMs);
});
