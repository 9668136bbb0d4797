import assert from "node:assert/strict";
import { CpuBudget, cpuBurstMs } from "./cpu_budget.ts";

Deno.test("CpuBudget lets a request use its share per second of wall time", () => {
  const budget = new CpuBudget(0.5, cpuBurstMs(0.5));
  assert.equal(budget.observe(0, 0, 1), false);
  // 0.5 s of CPU per 1 s of wall, for a minute: never over.
  for (let s = 1; s <= 60; s++) assert.equal(budget.observe(s * 500_000, s * 1000, 1), false);
  assert.equal(budget.debtMs, 0);
});

Deno.test("CpuBudget cuts a busy loop once the debt passes the burst", () => {
  const budget = new CpuBudget(0.1, cpuBurstMs(0.1)); // 100 ms of debt allowed
  budget.observe(0, 0, 1);
  // A full core: 0.9 s of debt per second.
  assert.equal(budget.observe(1_000_000, 1000, 1), true);
});

Deno.test("CpuBudget shares the allowance between requests in flight and forgives an idle host", () => {
  const budget = new CpuBudget(0.5, 500);
  budget.observe(0, 0, 2);
  // Two requests may use a full core between them.
  assert.equal(budget.observe(1_000_000, 1000, 2), false);
  // One request using 0.8 s/s builds 300 ms of debt per second: over after two seconds.
  assert.equal(budget.observe(1_800_000, 2000, 1), false);
  assert.equal(budget.observe(2_600_000, 3000, 1), true);
  assert.equal(budget.observe(3_600_000, 4000, 0), false);
  assert.equal(budget.debtMs, 0);
});
