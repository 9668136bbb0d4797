import assert from "node:assert/strict";
import { cpuCores, cpuLimitProblem, memoryBytes, memoryLimitProblem } from "./quantity.ts";

Deno.test("memoryBytes() reads binary and decimal suffixes and plain numbers", () => {
  assert.equal(memoryBytes("64Mi"), 64 * 1024 * 1024);
  assert.equal(memoryBytes("1Gi"), 1024 ** 3);
  assert.equal(memoryBytes("128M"), 128e6);
  assert.equal(memoryBytes("1.5Gi"), 1.5 * 1024 ** 3);
  assert.equal(memoryBytes(1048576), 1048576);
  assert.equal(memoryBytes("64MB"), null);
  assert.equal(memoryBytes("lots"), null);
});

Deno.test("cpuCores() reads millicores and cores", () => {
  assert.equal(cpuCores("500m"), 0.5);
  assert.equal(cpuCores("2"), 2);
  assert.equal(cpuCores(0.25), 0.25);
  assert.equal(cpuCores("1.5"), 1.5);
  assert.equal(cpuCores("half"), null);
});

Deno.test("limit problems name the bounds", () => {
  assert.equal(memoryLimitProblem("64Mi"), null);
  assert.match(memoryLimitProblem("1Mi")!, /between 32Mi and 4Gi/);
  assert.match(memoryLimitProblem("x")!, /not a quantity/);
  assert.equal(cpuLimitProblem("100m"), null);
  assert.match(cpuLimitProblem("1m")!, /between 10m and 64/);
});
