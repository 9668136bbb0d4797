/**
 * The fallback load generator, run as its own process so it does not share an event loop with
 * the bench: `connections` keep-alive connections, one request in flight on each, for `seconds`.
 * Prints one JSON line: { requests, errors, elapsedMs, p50Ms, p99Ms }.
 *
 * Usage: deno run --no-config --allow-net=127.0.0.1 deno_load_process.ts '{"port":..,"host":..,...}'
 */
import { completeResponse } from "./http_response.ts";
import { percentile } from "./stats.ts";

interface Args {
  port: number;
  host: string;
  path: string;
  connections: number;
  seconds: number;
}

const args = JSON.parse(Deno.args[0]) as Args;
const request = new TextEncoder().encode(`GET ${args.path} HTTP/1.1\r\nHost: ${args.host}\r\n\r\n`);
const latencies: number[] = [];
let errors = 0;
const start = performance.now();
const end = start + args.seconds * 1000;

async function connection() {
  while (performance.now() < end) {
    let conn: Deno.TcpConn | undefined;
    try {
      conn = await Deno.connect({ hostname: "127.0.0.1", port: args.port });
      conn.setNoDelay(true);
      let buf = new Uint8Array(16 * 1024);
      let len = 0;
      while (performance.now() < end) {
        const t0 = performance.now();
        await conn.write(request);
        while (true) {
          const span = completeResponse(buf, len);
          if (span) {
            if (span.status >= 400) errors++;
            buf.copyWithin(0, span.length, len);
            len -= span.length;
            break;
          }
          if (len === buf.length) {
            const bigger = new Uint8Array(buf.length * 2);
            bigger.set(buf);
            buf = bigger;
          }
          const n = await conn.read(buf.subarray(len));
          if (n === null) throw new Error("connection closed");
          len += n;
        }
        latencies.push(performance.now() - t0);
      }
    } catch {
      errors++;
    } finally {
      try {
        conn?.close();
      } catch { /* closed */ }
    }
  }
}

await Promise.all(Array.from({ length: args.connections }, connection));
const elapsedMs = performance.now() - start;
console.log(JSON.stringify({
  requests: latencies.length,
  errors,
  elapsedMs,
  p50Ms: percentile(latencies, 50),
  p99Ms: percentile(latencies, 99),
}));
