import assert from "node:assert/strict";
import { revisionLimits } from "./revision_limits.ts";

Deno.test("revisionLimits() maps memory to a heap in MiB and cpu to cores, the revision's over the defaults", () => {
  assert.deepEqual(revisionLimits({ memory: "64Mi", cpu: "500m" }), {
    memoryLimitMb: 64,
    cpuLimitCores: 0.5,
  });
  assert.deepEqual(revisionLimits({ memory: "1Gi" }, { memory: "128Mi", cpu: "1" }), {
    memoryLimitMb: 1024,
    cpuLimitCores: 1,
  });
  assert.deepEqual(revisionLimits(undefined), {});
});
