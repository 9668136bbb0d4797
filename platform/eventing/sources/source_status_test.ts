import { deepStrictEqual as assertEquals, equal } from "node:assert/strict";
import { getCondition } from "../../resources/meta.ts";
import { sinkCheck, sourceStatus } from "./source_status.ts";

const T0 = new Date("2024-01-01T00:00:00Z");
const T1 = new Date("2024-01-01T00:05:00Z");

Deno.test("a resolved sink makes the source Ready with its sinkUri", () => {
  const resolution = { url: "http://fn.default.localhost:8080" };
  const status = sourceStatus(undefined, 3, resolution, [sinkCheck(resolution)], T0);
  equal(status.sinkUri, "http://fn.default.localhost:8080");
  equal(status.observedGeneration, 3);
  equal(getCondition({ status: status }, "SinkProvided")?.status, "True");
  equal(getCondition({ status: status }, "Ready")?.status, "True");
});

Deno.test("an unresolved sink makes Ready False with Knative's reason and the cause", () => {
  const resolution = { error: 'Service "fn" in namespace "default" does not exist' };
  const status = sourceStatus(undefined, 1, resolution, [sinkCheck(resolution)], T0);
  equal(status.sinkUri, undefined);
  const ready = getCondition({ status: status }, "Ready")!;
  assertEquals([ready.status, ready.reason], ["False", "NotFound"]);
  equal(ready.message, 'the sink could not be resolved: Service "fn" in namespace "default" does not exist');
  equal(getCondition({ status: status }, "SinkProvided")?.reason, "NotFound");
});

Deno.test("Ready takes the first failing condition's reason", () => {
  const ok = { url: "http://x.example/" };
  const status = sourceStatus(undefined, 1, ok, [
    sinkCheck(ok),
    { type: "SecretsProvided", ok: false, reason: "SecretNotFound", message: "no secret" },
  ], T0);
  assertEquals([
    getCondition({ status: status }, "Ready")?.reason,
    getCondition({ status: status }, "Ready")?.message,
  ], [
    "SecretNotFound",
    "no secret",
  ]);
});

Deno.test("a condition keeps its transition time while its status does not change", () => {
  const ok = { url: "http://x.example/" };
  const first = sourceStatus(undefined, 1, ok, [sinkCheck(ok)], T0);
  const again = sourceStatus(first, 1, ok, [sinkCheck(ok)], T1);
  assertEquals(again, first);
  const failed = sourceStatus(again, 1, { error: "gone" }, [sinkCheck({ error: "gone" })], T1);
  equal(getCondition({ status: failed }, "Ready")?.lastTransitionTime, T1.toISOString());
});

Deno.test("extra status fields are kept beside the conditions", () => {
  const ok = { url: "http://x.example/" };
  equal(sourceStatus(undefined, 1, ok, [], T0, { url: "http://hook/" }).url, "http://hook/");
});
