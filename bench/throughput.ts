/**
 * Hello throughput, side by side: each server is loaded alone (the others sit idle), after its own
 * warm-up, and the order rotates every round (A B C, B C A, ...) so drift on a noisy machine falls
 * on all of them alike. Each server's figure is the median over rounds.
 */
import type { LoadGenerator, LoadResult } from "./load_generator.ts";
import type { HelloServer } from "./hello_server.ts";
import { median } from "./stats.ts";
import { cpuSeconds, processTree } from "./proc.ts";

export interface ThroughputOptions {
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
}

export interface RoundResult extends LoadResult {
  /** CPU time the server's process tree used per request, µs: steady even when the machine is noisy. */
  cpuMicrosPerRequest: number;
  /** The part of it used by the server's own process (for Denative: the platform, not the pool hosts). */
  rootCpuMicrosPerRequest: number;
}

export interface ThroughputRow {
  name: string;
  rounds: RoundResult[];
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMicrosPerRequest: number;
  rootCpuMicrosPerRequest: number;
  errors: number;
}

/** One measured run, with the CPU its server's process tree spent meanwhile. */
async function measured(
  server: HelloServer,
  load: LoadGenerator,
  opts: ThroughputOptions,
): Promise<RoundResult> {
  const before = new Map(processTree(server.rootPid).map((p) => [p, cpuSeconds(p)]));
  const t0 = performance.now();
  const r = await load.run({ port: server.port, host: server.host }, {
    connections: opts.connections,
    seconds: opts.seconds,
  });
  const elapsed = (performance.now() - t0) / 1000;
  let cpu = 0;
  for (const p of processTree(server.rootPid)) cpu += cpuSeconds(p) - (before.get(p) ?? 0);
  const rootCpu = cpuSeconds(server.rootPid) - (before.get(server.rootPid) ?? 0);
  // The load generator's own start and stop are inside `elapsed`; its requests/s is over its own run.
  const requests = r.requestsPerSecond * Math.min(elapsed, opts.seconds);
  return {
    ...r,
    cpuMicrosPerRequest: requests > 0 ? (cpu / requests) * 1e6 : NaN,
    rootCpuMicrosPerRequest: requests > 0 ? (rootCpu / requests) * 1e6 : NaN,
  };
}

export async function measureThroughput(
  servers: HelloServer[],
  load: LoadGenerator,
  opts: ThroughputOptions,
  log: (line: string) => void,
): Promise<ThroughputRow[]> {
  const results = servers.map(() => [] as RoundResult[]);
  for (let round = 0; round < opts.rounds; round++) {
    for (let k = 0; k < servers.length; k++) {
      const i = (round + k) % servers.length;
      const target = { port: servers[i].port, host: servers[i].host };
      await load.run(target, { connections: opts.connections, seconds: opts.warmupSeconds });
      const r = await measured(servers[i], load, opts);
      results[i].push(r);
      log(
        `  round ${round + 1}/${opts.rounds} ${servers[i].name}: ${Math.round(r.requestsPerSecond)} req/s, ` +
          `p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms${
            r.errors ? `, ${r.errors} errors` : ""
          }`,
      );
    }
  }
  return servers.map((s, i) => ({
    name: s.name,
    rounds: results[i],
    requestsPerSecond: median(results[i].map((r) => r.requestsPerSecond)),
    p50Ms: median(results[i].map((r) => r.p50Ms)),
    p99Ms: median(results[i].map((r) => r.p99Ms)),
    cpuMicrosPerRequest: median(results[i].map((r) => r.cpuMicrosPerRequest)),
    rootCpuMicrosPerRequest: median(results[i].map((r) => r.rootCpuMicrosPerRequest)),
    errors: results[i].reduce((a, r) => a + r.errors, 0),
  }));
}

/** Per-round ratios a/b (rounds pair up in time), then their median: steadier than a ratio of medians. */
export function pairedRatio(a: ThroughputRow, b: ThroughputRow): number {
  const n = Math.min(a.rounds.length, b.rounds.length);
  const ratios = [];
  for (let i = 0; i < n; i++) ratios.push(a.rounds[i].requestsPerSecond / b.rounds[i].requestsPerSecond);
  return median(ratios);
}
