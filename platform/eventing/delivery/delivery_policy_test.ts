import assert from "node:assert/strict";
import { resolveDeliveryPolicy } from "./delivery_policy.ts";
import { DeliverySpecError } from "./delivery_spec_error.ts";

Deno.test("attempts are retry plus one", () => {
  assert.equal(resolveDeliveryPolicy({ retry: 0 }).attempts, 1);
  assert.equal(resolveDeliveryPolicy({ retry: 5 }).attempts, 6);
});

Deno.test("no delivery settings mean one attempt, no waiting and no timeout", () => {
  assert.deepEqual(resolveDeliveryPolicy(), {
    retry: 0,
    attempts: 1,
    backoffPolicy: "exponential",
    backoffDelayMs: 0,
  });
});

Deno.test("durations are resolved into milliseconds and the sink is kept", () => {
  assert.deepEqual(
    resolveDeliveryPolicy({
      retry: 2,
      backoffPolicy: "linear",
      backoffDelay: "PT0.2S",
      timeout: "PT3S",
      deadLetterSink: { uri: "http://dls.local/" },
      format: "json",
    }),
    {
      retry: 2,
      attempts: 3,
      backoffPolicy: "linear",
      backoffDelayMs: 200,
      timeoutMs: 3000,
      deadLetterSink: { uri: "http://dls.local/" },
      format: "json",
    },
  );
});

Deno.test("a backoffDelay without a policy backs off exponentially", () => {
  assert.equal(resolveDeliveryPolicy({ backoffDelay: "PT1S" }).backoffPolicy, "exponential");
});

Deno.test("an invalid spec is refused with its field path while resolving", () => {
  assert.throws(
    () => resolveDeliveryPolicy({ timeout: "never" }, "spec.delivery"),
    (error: unknown) => error instanceof DeliverySpecError && error.path === "spec.delivery.timeout",
  );
});
