/**
 * A revision's `resources.limits` (or the cluster defaults) as the supervisor enforces them:
 * memory -> each isolate's V8 heap limit, MiB; cpu -> cores of CPU time per request per second.
 */
import { cpuCores, memoryBytes } from "../resources/quantity.ts";

export function revisionLimits(
  limits: { memory?: string | number; cpu?: string | number } | undefined,
  defaults: { memory?: string; cpu?: string } = {},
): { memoryLimitMb?: number; cpuLimitCores?: number } {
  const memory = limits?.memory ?? defaults.memory;
  const cpu = limits?.cpu ?? defaults.cpu;
  const bytes = memory === undefined ? null : memoryBytes(memory);
  const cores = cpu === undefined ? null : cpuCores(cpu);
  return {
    ...(bytes === null ? {} : { memoryLimitMb: Math.max(1, Math.floor(bytes / 2 ** 20)) }),
    ...(cores === null ? {} : { cpuLimitCores: cores }),
  };
}
