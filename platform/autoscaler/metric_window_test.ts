import { deepStrictEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import { MetricWindow } from "./metric_window.ts";

const T0 = Date.UTC(2024, 0, 1);
const s = (seconds: number) => T0 + seconds * 1000;

Deno.test("MetricWindow.average() is the mean per second over a full window", () => {
  const window = new MetricWindow(60_000);
  for (let i = 0; i < 60; i++) window.record(s(i), i < 30 ? 10 : 20);
  assertEquals(window.average(s(59), 60_000), 15);
  assertEquals(window.average(s(59), 6_000), 20);
});

Deno.test("MetricWindow.record() adds values recorded in the same second", () => {
  const window = new MetricWindow(10_000);
  window.record(s(0), 1);
  window.record(s(0.5), 2);
  window.record(s(0.999), 3);
  assertEquals(window.average(s(0.999), 10_000), 6);
});

Deno.test("MetricWindow.average() counts seconds without a record as zero", () => {
  const window = new MetricWindow(10_000);
  window.record(s(0), 10);
  window.record(s(9), 10);
  assertEquals(window.average(s(9), 10_000), 2);
  // Two silent seconds after the last record: still zeros, the window slides.
  assertEquals(window.average(s(11), 10_000), 1);
});

Deno.test("MetricWindow.average() averages over the seconds since the first record only", () => {
  const window = new MetricWindow(60_000);
  window.record(s(0), 12);
  assertEquals(window.average(s(0), 60_000), 12);
  assertEquals(window.average(s(2), 60_000), 4);
  assertEquals(window.average(s(2), 6_000), 4);
  assertEquals(window.average(s(5), 6_000), 2);
  assertEquals(window.average(s(6), 6_000), 0);
});

Deno.test("MetricWindow.average() is zero once the last record left the window", () => {
  const window = new MetricWindow(60_000);
  window.record(s(0), 5);
  assertEquals(window.average(s(59), 60_000), 0.083333);
  assertEquals(window.average(s(60), 60_000), 0);
  assertEquals(window.average(s(5), 6_000) > 0, true);
  assertEquals(window.average(s(6), 6_000), 0);
});

Deno.test("MetricWindow.record() starts a fresh partial window after a silence as long as its capacity", () => {
  const window = new MetricWindow(10_000);
  for (let i = 0; i < 10; i++) window.record(s(i), 1);
  window.record(s(100), 8);
  assertEquals(window.average(s(100), 10_000), 8);
  assertEquals(window.average(s(101), 10_000), 4);
});

Deno.test("MetricWindow.record() accepts late records inside the window and drops older ones", () => {
  const window = new MetricWindow(10_000);
  window.record(s(20), 10);
  window.record(s(15), 10);
  assertEquals(window.average(s(20), 10_000), 3.333333);
  window.record(s(5), 1000);
  assertEquals(window.average(s(20), 10_000), 3.333333);
});

Deno.test("MetricWindow.averages() gives the stable and panic averages of a spec", () => {
  const window = new MetricWindow(60_000);
  for (let i = 0; i < 60; i++) window.record(s(i), i >= 54 ? 100 : 0);
  assertEquals(window.averages(s(59), { stableWindowMs: 60_000, panicWindowMs: 6_000 }), {
    stableValue: 10,
    panicValue: 100,
  });
});

Deno.test("MetricWindow.lastNonZeroAt is the start of the newest second with traffic", () => {
  const window = new MetricWindow(60_000);
  assertEquals(window.lastNonZeroAt, null);
  window.record(s(3.4), 2);
  window.record(s(7), 0);
  assertEquals(window.lastNonZeroAt, s(3));
});

Deno.test("MetricWindow rounds averages to six digits like Knative", () => {
  const window = new MetricWindow(3_000);
  window.record(s(0), 1);
  window.record(s(2), 0);
  assertEquals(window.average(s(2), 3_000), 0.333333);
});

Deno.test("MetricWindow refuses a capacity of zero", () => {
  assertThrows(() => new MetricWindow(0), RangeError);
});
