import { deepStrictEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import { parseWrkDuration, parseWrkOutput } from "./wrk_output.ts";

const SAMPLE = `Running 4s test @ http://127.0.0.1:34567/
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.10ms    1.80ms  30.00ms   90.00%
    Req/Sec    16.06k     2.27k   19.95k    65.00%
  Latency Distribution
     50%    1.65ms
     75%    2.00ms
     90%    3.00ms
     99%   10.32ms
  63905 requests in 4.00s, 9.81MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 5
Requests/sec:  15972.57
Transfer/sec:      2.45MB
`;

Deno.test("wrk durations in each unit", () => {
  assertEquals(parseWrkDuration("248.00us"), 0.248);
  assertEquals(parseWrkDuration("1.50ms"), 1.5);
  assertEquals(parseWrkDuration("2.00s"), 2000);
  assertThrows(() => parseWrkDuration("fast"));
});

Deno.test("wrk --latency output", () => {
  assertEquals(parseWrkOutput(SAMPLE), { requestsPerSecond: 15972.57, p50Ms: 1.65, p99Ms: 10.32, errors: 8 });
  assertThrows(() => parseWrkOutput("wrk: connection refused"));
});
