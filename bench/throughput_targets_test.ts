import assert from "node:assert/strict";
import { targetRatio } from "./throughput_targets.ts";
import type { RoundResult, ThroughputRow } from "./throughput.ts";

const row = (name: string, rps: number[]): ThroughputRow => ({
  name,
  rounds: rps.map((requestsPerSecond) => ({ requestsPerSecond } as RoundResult)),
  requestsPerSecond: NaN,
  p50Ms: NaN,
  p99Ms: NaN,
  cpuMicrosPerRequest: NaN,
  rootCpuMicrosPerRequest: NaN,
  errors: 0,
});

Deno.test("targetRatio pairs rounds in time: median and range of the per-round ratios", () => {
  const r = targetRatio(row("a", [10, 30, 20]), row("b", [20, 30, 10]), 0.7);
  assert.deepEqual([r.paired, r.min, r.max, r.met], [1, 0.5, 2, true]);
  assert.equal(targetRatio(row("a", [6, 6]), row("b", [10, 10]), 0.7).met, false);
});
