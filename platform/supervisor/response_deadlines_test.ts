import assert from "node:assert/strict";
import { checkDeadlines } from "./response_deadlines.ts";

const t = { timeoutMs: 10_000, responseStartMs: 2_000, idleMs: 3_000 };

Deno.test("checkDeadlines() gives the response start its own, shorter deadline", () => {
  assert.deepEqual(checkDeadlines(t, { startedAt: 0, answered: false, lastByteAt: 0 }, 1000), {
    expired: false,
    next: 2000,
  });
  const v = checkDeadlines(t, { startedAt: 0, answered: false, lastByteAt: 0 }, 2000);
  assert.ok(v.expired && /responseStartTimeoutSeconds \(2s\)/.test(v.why));
});

Deno.test("checkDeadlines() ends a streaming body idle for idleTimeoutSeconds or past timeoutSeconds", () => {
  assert.deepEqual(checkDeadlines(t, { startedAt: 0, answered: true, lastByteAt: 4000 }, 5000), {
    expired: false,
    next: 7000,
  });
  const idle = checkDeadlines(t, { startedAt: 0, answered: true, lastByteAt: 4000 }, 7000);
  assert.ok(idle.expired && /idleTimeoutSeconds/.test(idle.why));
  const total = checkDeadlines(t, { startedAt: 0, answered: true, lastByteAt: 9900 }, 10_000);
  assert.ok(total.expired && /timeoutSeconds \(10s\)/.test(total.why));
});

Deno.test("checkDeadlines() without responseStartTimeoutSeconds or idle uses timeoutSeconds alone", () => {
  const plain = { timeoutMs: 5000, responseStartMs: 5000, idleMs: 0 };
  const v = checkDeadlines(plain, { startedAt: 0, answered: false, lastByteAt: 0 }, 5000);
  assert.ok(v.expired && /did not answer within 5s/.test(v.why));
  assert.deepEqual(checkDeadlines(plain, { startedAt: 0, answered: true, lastByteAt: 0 }, 4000), {
    expired: false,
    next: 5000,
  });
});
