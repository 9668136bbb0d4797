/**
 * What a throughput measurement needs from a load generator: keep-alive HTTP/1.1 GETs to
 * 127.0.0.1 with a chosen Host header, for a fixed time, reporting requests/s and latency.
 * `chooseLoadGenerator()` prefers wrk (installing it when missing) and falls back to the
 * Deno load generator running in its own process.
 */
import { findOrInstallWrk, WrkLoadGenerator } from "./wrk.ts";
import { DenoLoadGenerator } from "./deno_load.ts";

export interface LoadTarget {
  port: number;
  /** Host header; defaults to 127.0.0.1:port. */
  host?: string;
  path?: string;
}

export interface LoadOptions {
  connections: number;
  seconds: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses that were not 2xx/3xx, plus connect/read/write/timeout errors. */
  errors: number;
}

export interface LoadGenerator {
  /** e.g. "wrk debian/4.1.0-3+b2" or "deno load generator (separate process)". */
  readonly description: string;
  /** How it came to be used: found, installed, or why the fallback was taken. */
  readonly note: string;
  run(target: LoadTarget, options: LoadOptions): Promise<LoadResult>;
}

/** `BENCH_LOADGEN=deno` forces the fallback (to check it); anything else tries wrk first. */
export async function chooseLoadGenerator(log: (line: string) => void): Promise<LoadGenerator> {
  if (Deno.env.get("BENCH_LOADGEN") === "deno") {
    return new DenoLoadGenerator("BENCH_LOADGEN=deno asked for it");
  }
  const wrk = await findOrInstallWrk(log);
  if (wrk.ok) return new WrkLoadGenerator(wrk.version, wrk.note);
  log(`wrk is not available (${wrk.reason}); using the Deno load generator instead`);
  return new DenoLoadGenerator(`wrk not available: ${wrk.reason}`);
}
