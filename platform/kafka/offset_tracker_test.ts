import { equal } from "node:assert/strict";
import { OffsetTracker } from "./offset_tracker.ts";

Deno.test("records done in order move the commit point one by one", () => {
  const tracker = new OffsetTracker(["10", "11", "12"]);
  equal(tracker.done(0), "10");
  equal(tracker.done(1), "11");
  equal(tracker.done(2), "12");
  equal(tracker.allDone, true);
});

Deno.test("a record done before an earlier one does not move the commit point past the gap", () => {
  const tracker = new OffsetTracker(["10", "11", "12", "13"]);
  equal(tracker.done(2), undefined);
  equal(tracker.done(1), undefined);
  equal(tracker.contiguous, 0);
  equal(tracker.done(0), "12");
  equal(tracker.contiguous, 3);
  equal(tracker.allDone, false);
  equal(tracker.done(3), "13");
});

Deno.test("offsets with gaps are acknowledged by the record, not by arithmetic", () => {
  const tracker = new OffsetTracker(["5", "9", "40"]);
  equal(tracker.done(1), undefined);
  equal(tracker.done(0), "9");
  equal(tracker.done(2), "40");
});

Deno.test("marking a record done twice changes nothing", () => {
  const tracker = new OffsetTracker(["1", "2"]);
  equal(tracker.done(0), "1");
  equal(tracker.done(0), undefined);
  equal(tracker.contiguous, 1);
});
