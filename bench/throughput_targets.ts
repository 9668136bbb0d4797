/**
 * The throughput targets of issue 10, against references measured in the same run: Denative's
 * hello req/s ≥ 0.7 × the "process + worker hop" relay floor and ≥ 1.5 × workerd. Each ratio is
 * given as the median of per-round ratios (rounds pair up in time) with its range over rounds.
 */
import type { ThroughputRow } from "./throughput.ts";

export const FLOOR_TARGET = 0.7;
export const WORKERD_TARGET = 1.5;

export interface TargetRatio {
  reference: string;
  target: number;
  /** Median of per-round ratios. */
  paired: number;
  min: number;
  max: number;
  met: boolean;
}

/** Denative ÷ reference per round: median and range, and whether the median meets `target`. */
export function targetRatio(platform: ThroughputRow, reference: ThroughputRow, target: number): TargetRatio {
  const n = Math.min(platform.rounds.length, reference.rounds.length);
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) {
    ratios.push(platform.rounds[i].requestsPerSecond / reference.rounds[i].requestsPerSecond);
  }
  ratios.sort((a, b) => a - b);
  const mid = ratios.length >> 1;
  const paired = ratios.length === 0
    ? NaN
    : ratios.length % 2
    ? ratios[mid]
    : (ratios[mid - 1] + ratios[mid]) / 2;
  return {
    reference: reference.name,
    target,
    paired,
    min: ratios[0] ?? NaN,
    max: ratios[ratios.length - 1] ?? NaN,
    met: paired >= target,
  };
}

const fixed = (n: number, d: number) => (Number.isFinite(n) ? n.toFixed(d) : "—");

/** Markdown: each server's rounds, then the two target ratios. */
export function renderThroughputTargets(
  platform: ThroughputRow,
  floor: ThroughputRow | undefined,
  workerd: ThroughputRow | undefined,
  rows: ThroughputRow[],
): string {
  const lines = [
    "| Server | req/s (median; rounds) | p50 ms | p99 ms | CPU µs/request (root / children) |",
    "| --- | ---: | ---: | ---: | ---: |",
  ];
  for (const r of rows) {
    const rounds = r.rounds.map((x) => Math.round(x.requestsPerSecond)).join(", ");
    const children = r.cpuMicrosPerRequest - r.rootCpuMicrosPerRequest;
    lines.push(
      `| ${r.name} | ${Math.round(r.requestsPerSecond)} (${rounds}) | ${fixed(r.p50Ms, 2)} | ` +
        `${fixed(r.p99Ms, 2)} | ${fixed(r.cpuMicrosPerRequest, 1)} (${
          fixed(r.rootCpuMicrosPerRequest, 1)
        } / ` +
        `${fixed(children, 1)}) |${r.errors ? ` ${r.errors} errors` : ""}`,
    );
  }
  lines.push("");
  for (const [ref, target] of [[floor, FLOOR_TARGET], [workerd, WORKERD_TARGET]] as const) {
    if (!ref) continue;
    const t = targetRatio(platform, ref, target);
    lines.push(
      `- Denative ÷ ${t.reference}: ${fixed(t.paired, 2)}× (rounds ${fixed(t.min, 2)}–${
        fixed(t.max, 2)
      }×); ` +
        `target ≥ ${t.target}× — ${t.met ? "met" : "missed"}`,
    );
  }
  return lines.join("\n");
}
