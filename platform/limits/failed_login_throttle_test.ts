import assert from "node:assert/strict";
import { FailedLoginThrottle } from "./failed_login_throttle.ts";

Deno.test("FailedLoginThrottle refuses a client after maxFailures within the window, until it passes", () => {
  let now = 1_000_000;
  const throttle = new FailedLoginThrottle({ maxFailures: 3, windowMs: 10_000, now: () => now });
  for (let i = 0; i < 3; i++) {
    assert.equal(throttle.retryAfterSeconds("a"), 0);
    throttle.recordFailure("a");
    now += 1_000;
  }
  assert.equal(throttle.retryAfterSeconds("a"), 7);
  assert.equal(throttle.retryAfterSeconds("b"), 0, "other clients are not affected");
  now += 7_001;
  assert.equal(throttle.retryAfterSeconds("a"), 0, "the oldest failure left the window");
});

Deno.test("FailedLoginThrottle forgets the oldest client beyond maxClients", () => {
  const throttle = new FailedLoginThrottle({ maxFailures: 1, maxClients: 2, now: () => 0 });
  throttle.recordFailure("a");
  throttle.recordFailure("b");
  throttle.recordFailure("c");
  assert.equal(throttle.retryAfterSeconds("a"), 0);
  assert.equal(throttle.retryAfterSeconds("c"), 1 * 60);
});
