import assert from "node:assert/strict";
import type { CloudEvent } from "./cloudevent.ts";
import { CloudEventError } from "./cloudevent_error.ts";
import { validateEvent } from "./validate_event.ts";

const base: CloudEvent = { specversion: "1.0", id: "1", source: "/s", type: "t", extensions: {} };

Deno.test("a valid event comes back normalised with its data kept", () => {
  const event = validateEvent({ ...base, subject: undefined, data: { a: 1 }, extensions: { x: "y" } });
  assert.deepEqual(event, { ...base, data: { a: 1 }, extensions: { x: "y" } });
  assert.ok(!("subject" in event));
});

Deno.test("an event without extensions gets an empty extension map", () => {
  const { extensions: _, ...withoutExtensions } = base;
  assert.deepEqual(validateEvent(withoutExtensions as CloudEvent).extensions, {});
});

Deno.test("an extension may not reuse a core attribute name", () => {
  assert.throws(
    () => validateEvent({ ...base, extensions: { type: "x" } }),
    (error: unknown) => error instanceof CloudEventError && error.field === "type",
  );
});

Deno.test("an invalid time on a constructed event is refused", () => {
  assert.throws(
    () => validateEvent({ ...base, time: "yesterday" }),
    (error: unknown) => error instanceof CloudEventError && error.field === "time",
  );
});

Deno.test("explicit null data is kept as null", () => {
  assert.equal(validateEvent({ ...base, data: null }).data, null);
});
