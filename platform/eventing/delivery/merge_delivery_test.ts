import assert from "node:assert/strict";
import { mergeDelivery } from "./merge_delivery.ts";

const broker = {
  retry: 5,
  backoffPolicy: "exponential" as const,
  backoffDelay: "PT1S",
  timeout: "PT10S",
  deadLetterSink: { uri: "http://broker-dls.local/" },
};

Deno.test("a trigger without delivery settings inherits all of the broker's", () => {
  assert.deepEqual(mergeDelivery(undefined, broker), broker);
  assert.deepEqual(mergeDelivery({}, broker), broker);
});

Deno.test("each trigger setting overrides only its own field", () => {
  assert.deepEqual(
    mergeDelivery({ retry: 1, deadLetterSink: { uri: "http://trigger-dls.local/" } }, broker),
    {
      ...broker,
      retry: 1,
      deadLetterSink: { uri: "http://trigger-dls.local/" },
    },
  );
});

Deno.test("a trigger retry of zero is kept rather than falling back", () => {
  assert.equal(mergeDelivery({ retry: 0 }, broker).retry, 0);
});

Deno.test("without a broker the trigger's settings stand alone", () => {
  assert.deepEqual(mergeDelivery({ retry: 2 }, undefined), { retry: 2 });
  assert.deepEqual(mergeDelivery(undefined, undefined), {});
});
