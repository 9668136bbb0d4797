/**
 * Two checkouts of Denative side by side: each one's platform serves its own functions/hello, both
 * are up at once and loaded in turn (A B, B A, ...), so drift on a noisy machine falls on both
 * alike. Prints, per checkout, the median req/s and CPU per request of the platform process and of
 * its pool hosts. This is how a change to the request path is judged before it lands: the CPU per
 * request holds steady where req/s does not.
 *
 * Usage: deno run -A --unstable-worker-options --unstable-no-legacy-abort bench/compare_checkouts.ts \
 *   A_DIR B_DIR [--runs 8] [--seconds 4]
 * (e.g. `git worktree add /tmp/before HEAD~1`, then compare /tmp/before with `.`). Loopback only.
 */
import { parseArgs } from "node:util";
import { chooseLoadGenerator } from "./load_generator.ts";
import type { LoadGenerator } from "./load_generator.ts";
import { onStop, spawnTracked, stopAll, stopAllOnSignals } from "./child_processes.ts";
import { waitUntilAnswers } from "./hello_server.ts";
import { cpuSeconds, processTree } from "./proc.ts";
import { median } from "./stats.ts";
import { freePort } from "../test/harness.ts";

interface Checkout {
  label: string;
  dir: string;
  port: number;
  host: string;
  pid: number;
}

interface Run {
  requestsPerSecond: number;
  platformMicros: number;
  hostsMicros: number;
}

const CONNECTIONS = 32;

async function startPlatform(label: string, dir: string): Promise<Checkout> {
  const root = await Deno.realPath(dir);
  const state = await Deno.makeTempDir({ prefix: "denative-compare-state-" });
  const functions = await Deno.makeTempDir({ prefix: "denative-compare-fns-" });
  onStop(() => Deno.remove(state, { recursive: true }).catch(() => {}));
  onStop(() => Deno.remove(functions, { recursive: true }).catch(() => {}));
  await Deno.mkdir(`${functions}/hello`);
  await Deno.copyFile(`${root}/functions/hello/main.ts`, `${functions}/hello/main.ts`);
  const port = freePort();
  const child = spawnTracked(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "--unstable-worker-options",
      "--unstable-no-legacy-abort",
      `${root}/platform/main.ts`,
      ...["--port", String(port), "--admin-port", String(freePort()), "--api-port", String(freePort())],
      ...["--state", state, "--functions", functions, "--no-watch", "--quiet"],
    ],
    env: { NO_COLOR: "1" },
    stdout: "null",
    stderr: "inherit",
  });
  // A graceful stop first (newest first: before the SIGKILL spawnTracked registered).
  onStop(async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    await Promise.race([child.status, new Promise((r) => setTimeout(r, 5_000))]);
  });
  const host = `hello.default.localhost:${port}`;
  await waitUntilAnswers(port, host, 60_000);
  return { label, dir: root, port, host, pid: child.pid };
}

async function measure(c: Checkout, load: LoadGenerator, seconds: number): Promise<Run> {
  const pids = processTree(c.pid);
  const before = pids.map(cpuSeconds);
  const r = await load.run({ port: c.port, host: c.host }, { connections: CONNECTIONS, seconds });
  const used = pids.map((p, i) => cpuSeconds(p) - before[i]);
  const requests = r.requestsPerSecond * seconds;
  const hosts = used.slice(1).reduce((a, b) => a + b, 0);
  return {
    requestsPerSecond: r.requestsPerSecond,
    platformMicros: (used[0] / requests) * 1e6,
    hostsMicros: (hosts / requests) * 1e6,
  };
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: { runs: { type: "string", default: "8" }, seconds: { type: "string", default: "4" } },
  });
  if (positionals.length !== 2) {
    console.error("usage: compare_checkouts.ts A_DIR B_DIR [--runs 8] [--seconds 4]");
    Deno.exit(2);
  }
  const runs = Number(values.runs);
  const seconds = Number(values.seconds);
  stopAllOnSignals();
  try {
    const load = await chooseLoadGenerator((line) => console.error(line));
    const checkouts = [await startPlatform("A", positionals[0]), await startPlatform("B", positionals[1])];
    for (const c of checkouts) {
      await load.run({ port: c.port, host: c.host }, { connections: CONNECTIONS, seconds: 2 });
    }
    const results: Run[][] = [[], []];
    for (let i = 0; i < runs; i++) {
      for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) {
        results[k].push(await measure(checkouts[k], load, seconds));
      }
    }
    console.log(
      `${load.description}, ${runs} runs of ${seconds} s each, ${CONNECTIONS} connections, in turn`,
    );
    console.log("| checkout | req/s (median; runs) | platform µs/request | pool hosts µs/request |");
    console.log("| --- | ---: | ---: | ---: |");
    checkouts.forEach((c, k) => {
      const r = results[k];
      const rates = r.map((x) => Math.round(x.requestsPerSecond));
      console.log(
        `| ${c.label} ${c.dir} | ${Math.round(median(rates))} (${rates.join(", ")}) | ` +
          `${median(r.map((x) => x.platformMicros)).toFixed(1)} | ${
            median(r.map((x) => x.hostsMicros)).toFixed(1)
          } |`,
      );
    });
  } finally {
    await stopAll();
  }
}
