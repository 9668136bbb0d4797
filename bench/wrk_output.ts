/** Parsing what `wrk --latency` prints. */

export interface WrkSummary {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "248.00us" -> 0.248 (ms). */
export function parseWrkDuration(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`not a wrk duration: "${text}"`);
  return Number(m[1]) * UNIT_MS[m[2]];
}

export function parseWrkOutput(out: string): WrkSummary {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(out);
  const p50 = /^\s+50%\s+(\S+)/m.exec(out);
  const p99 = /^\s+99%\s+(\S+)/m.exec(out);
  if (!rps || !p50 || !p99) throw new Error(`unexpected wrk output:\n${out}`);
  let errors = 0;
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out);
  if (non2xx) errors += Number(non2xx[1]);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  if (socket) errors += socket.slice(1).reduce((a, b) => a + Number(b), 0);
  return {
    requestsPerSecond: Number(rps[1]),
    p50Ms: parseWrkDuration(p50[1]),
    p99Ms: parseWrkDuration(p99[1]),
    errors,
  };
}
