/** Kubernetes resource quantities as Knative's `resources.limits` carries them: `64Mi`, `1G`, `500m`, `2`. */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { "": 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** Bytes a memory quantity stands for, or null when it is not one. */
export function memoryBytes(q: string | number): number | null {
  if (typeof q === "number") return Number.isFinite(q) && q >= 0 ? q : null;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T)?$/.exec(q.trim());
  if (!m) return null;
  const unit = m[2] ?? "";
  return Number(m[1]) * (BINARY[unit] ?? DECIMAL[unit]);
}

/** Cores a CPU quantity stands for (`500m` = 0.5), or null when it is not one. */
export function cpuCores(q: string | number): number | null {
  if (typeof q === "number") return Number.isFinite(q) && q >= 0 ? q : null;
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(q.trim());
  if (!m) return null;
  return m[2] === "m" ? Number(m[1]) / 1000 : Number(m[1]);
}

/** What Denative accepts for a revision's limits. */
export const LIMIT_BOUNDS = {
  /** The isolate heap limit: below this V8 cannot even start a worker. */
  minMemoryBytes: 32 * 2 ** 20,
  maxMemoryBytes: 4 * 2 ** 30,
  minCpuCores: 0.01,
  maxCpuCores: 64,
} as const;

/** Why a memory limit is refused, or null when it is fine. */
export function memoryLimitProblem(q: string | number): string | null {
  const bytes = memoryBytes(q);
  if (bytes === null) return `"${q}" is not a quantity like 64Mi or 1Gi`;
  if (bytes < LIMIT_BOUNDS.minMemoryBytes || bytes > LIMIT_BOUNDS.maxMemoryBytes) {
    return `must be between 32Mi and 4Gi, not ${q}`;
  }
  return null;
}

/** Why a CPU limit is refused, or null when it is fine. */
export function cpuLimitProblem(q: string | number): string | null {
  const cores = cpuCores(q);
  if (cores === null) return `"${q}" is not a quantity like 500m or 1`;
  if (cores < LIMIT_BOUNDS.minCpuCores || cores > LIMIT_BOUNDS.maxCpuCores) {
    return `must be between 10m and 64, not ${q}`;
  }
  return null;
}
