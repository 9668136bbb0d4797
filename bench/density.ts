/**
 * Density: what one more Service costs. N hello Services deployed into a cold platform, each called
 * once; the proportional memory (PSS) of the platform's whole process tree divided by N, and the
 * time from the platform's spawn until all N answered. Beside it the isolate floor: N hello workers
 * in one bare deno process, divided by N.
 */
import { EXAMPLES, Platform } from "../test/harness.ts";
import { onStop, spawnTracked } from "./child_processes.ts";
import { processTree, pssBytes } from "./proc.ts";
import type { HostSharing } from "../platform/config.ts";

const FLOOR = new URL("./density_floor_process.ts", import.meta.url).pathname;
const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface DensityRow {
  services: number;
  hostSharing: HostSharing;
  /** Platform spawn to every Service's first 200. */
  allServingMs: number;
  processes: number;
  totalPssMb: number;
  pssPerServiceMb: number;
}

export interface DensityFloor {
  workers: number;
  totalPssMb: number;
  pssPerWorkerMb: number;
}

/** Sums PSS over a process tree once its set of processes stays the same for 1.5 s (at most 10 s). */
async function settledTreePss(pid: number): Promise<{ processes: number; bytes: number }> {
  const until = Date.now() + 10_000;
  let last = processTree(pid).join(",");
  let since = Date.now();
  while (Date.now() < until && Date.now() - since < 1_500) {
    await sleep(250);
    const now = processTree(pid).join(",");
    if (now !== last) [last, since] = [now, Date.now()];
  }
  const pids = processTree(pid);
  return { processes: pids.length, bytes: pids.reduce((sum, p) => sum + pssBytes(p), 0) };
}

export async function measureDensity(services: number, hostSharing: HostSharing): Promise<DensityRow> {
  const names = Array.from({ length: services }, (_, i) => `hello-${String(i + 1).padStart(3, "0")}`);
  const started = performance.now();
  const platform = await Platform.start({
    functions: Object.fromEntries(names.map((n) => [n, `${EXAMPLES}/hello`])),
    env: { DENATIVE_HOST_SHARING: hostSharing },
  });
  const stop = onStop(() => platform.stop());
  try {
    await Promise.all(names.map(async (name) => {
      while (true) {
        const res = await platform.call(name);
        const text = await res.text();
        if (res.status === 200 && text.startsWith("Hello")) return;
        await sleep(50);
      }
    }));
    const allServingMs = performance.now() - started;
    const { processes, bytes } = await settledTreePss(platform.pid);
    return {
      services,
      hostSharing,
      allServingMs,
      processes,
      totalPssMb: bytes / MB,
      pssPerServiceMb: bytes / MB / services,
    };
  } finally {
    await platform.stop();
    stop();
  }
}

export async function measureDensityFloor(workers: number): Promise<DensityFloor> {
  const dir = `${EXAMPLES}/hello`;
  const child = spawnTracked(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--no-config",
      "--unstable-worker-options",
      `--allow-read=${dir}`,
      "--allow-env=TARGET",
      FLOOR,
      dir,
      String(workers),
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  });
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!out.includes("ready")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("the density floor process ended before its workers were ready");
      out += value;
    }
    const { bytes } = await settledTreePss(child.pid);
    return { workers, totalPssMb: bytes / MB, pssPerWorkerMb: bytes / MB / workers };
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
}

export function renderDensity(rows: DensityRow[], floor: DensityFloor | undefined): string {
  const mb = (n: number) => n.toFixed(1);
  return [
    "",
    `| Density (${
      rows[0]?.services ?? 0
    } hello Services, each called once) | processes | PSS total, MB | PSS per Service, MB | spawn → all serving |`,
    "| --- | ---: | ---: | ---: | ---: |",
    ...rows.map((r) =>
      `| ${
        r.hostSharing === "namespace"
          ? "**Denative, --host-sharing namespace (default)**"
          : `Denative, --host-sharing ${r.hostSharing}`
      } | ${r.processes} | ${mb(r.totalPssMb)} | ${
        r.hostSharing === "namespace" ? `**${mb(r.pssPerServiceMb)}**` : mb(r.pssPerServiceMb)
      } | ${(r.allServingMs / 1000).toFixed(1)} s |`
    ),
    floor
      ? `| isolate floor: ${floor.workers} hello workers in one bare deno process | 1 | ${
        mb(floor.totalPssMb)
      } | ${mb(floor.pssPerWorkerMb)} | |`
      : "| isolate floor | not measured | | | |",
    "(target: ≤ 15 MB per Service)",
  ].join("\n");
}
