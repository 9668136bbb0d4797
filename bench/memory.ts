/**
 * Memory per idle instance. On the platform: resident memory (VmRSS) of the pool host processes a
 * revision added (children of the platform process, found through /proc), with min-scale 1 and,
 * if the platform honours it, min-scale 10. Beside it, the bare reference: a deno process holding
 * 1 and then 10 idle hello workers.
 */
import { EXAMPLES, type Platform, serviceDoc } from "../test/harness.ts";
import { childPids, vmRssBytes, workerThreads } from "./proc.ts";
import { spawnTracked } from "./child_processes.ts";
import { waitUntilAnswers } from "./hello_server.ts";

const REVISIONS = "/apis/serving.knative.dev/v1/namespaces/default/revisions";
const PROBE = new URL("./worker_memory_process.ts", import.meta.url).pathname;
const MB = 1024 * 1024;

export interface PlatformMemory {
  /** min-scale asked for. */
  minScale: number;
  /** Instances the revision reported (status.actualReplicas). */
  instances: number;
  /** Child processes of the platform (pool hosts, warm spares) before and after the deploy. */
  childrenBefore: number;
  childrenAfter: number;
  /** Worker threads (isolates: instances and any spares) in them before and after. */
  isolatesBefore: number;
  isolatesAfter: number;
  /** Their summed VmRSS before and after, and what the deploy added, MiB. */
  childrenRssBeforeMb: number;
  childrenRssAfterMb: number;
  addedRssMb: number;
}

export interface BareMemory {
  processRssMb: number;
  withOneWorkerRssMb: number;
  perExtraWorkerMb: number;
  workers: number;
  workerHeapUsedMb: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function revisionReplicas(platform: Platform, name: string): Promise<number> {
  const res = await platform.admin(`${REVISIONS}/${name}`);
  if (!res.ok) {
    await res.body?.cancel();
    return 0;
  }
  const doc = await res.json() as { status?: { actualReplicas?: number } };
  return doc.status?.actualReplicas ?? 0;
}

/** Waits until the platform's set of child processes has not changed for 1.5 s (at most 8 s). */
async function quietChildren(pid: number) {
  const until = Date.now() + 8_000;
  let last = childPids(pid).join(",");
  let since = Date.now();
  while (Date.now() < until && Date.now() - since < 1_500) {
    await sleep(250);
    const now = childPids(pid).join(",");
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
}

function childrenRss(pid: number): { count: number; isolates: number; mb: number } {
  const pids = childPids(pid);
  return {
    count: pids.length,
    isolates: pids.reduce((a, p) => a + workerThreads(p), 0),
    mb: pids.reduce((a, p) => a + vmRssBytes(p), 0) / MB,
  };
}

/**
 * Deploys hello as `name` with min-scale, waits (up to waitMs) for that many instances, and reports
 * what the platform's child processes grew by. Whatever the platform keeps per revision (a pool host,
 * a spare worker, a replacement warm host) is part of the cost, so it is measured as a whole.
 */
export async function platformMemory(
  platform: Platform,
  name: string,
  minScale: number,
  waitMs: number,
): Promise<PlatformMemory> {
  await quietChildren(platform.pid);
  const before = childrenRss(platform.pid);
  const image = await platform.uploadBundle(`${EXAMPLES}/hello`);
  const scale = String(minScale);
  await platform.putService(serviceDoc(name, image, {
    annotations: {
      "autoscaling.knative.dev/min-scale": scale,
      "autoscaling.knative.dev/initial-scale": scale,
    },
  }));
  const svc = await platform.settled(name);
  const revision = svc.status?.latestReadyRevisionName;
  if (!revision) throw new Error(`${name} did not become ready: ${JSON.stringify(svc.status)}`);
  await waitUntilAnswers(platform.port, `${name}.default.localhost:${platform.port}`);
  const until = Date.now() + waitMs;
  let instances = await revisionReplicas(platform, revision);
  while (instances < minScale && Date.now() < until) {
    await sleep(200);
    instances = await revisionReplicas(platform, revision);
  }
  await quietChildren(platform.pid); // idle: spares refilled, start-up garbage collected
  instances = await revisionReplicas(platform, revision);
  const after = childrenRss(platform.pid);
  return {
    minScale,
    instances,
    childrenBefore: before.count,
    childrenAfter: after.count,
    isolatesBefore: before.isolates,
    isolatesAfter: after.isolates,
    childrenRssBeforeMb: before.mb,
    childrenRssAfterMb: after.mb,
    addedRssMb: after.mb - before.mb,
  };
}

/** The bare reference, in its own deno process. */
export async function bareWorkerMemory(moduleDir: string, workers: number): Promise<BareMemory> {
  const child = spawnTracked(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--no-config",
      "--unstable-worker-options",
      `--allow-read=${moduleDir}`,
      "--allow-env=TARGET",
      "--allow-net",
      PROBE,
      moduleDir,
      String(workers),
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  });
  const { code, stdout, stderr } = await child.output();
  const dec = new TextDecoder();
  if (code !== 0) throw new Error(`the worker memory probe failed: ${dec.decode(stderr)}`);
  const p = JSON.parse(dec.decode(stdout)) as {
    rss0: number;
    rss1: number;
    rssN: number;
    n: number;
    heapUsed: number;
  };
  return {
    processRssMb: p.rss0 / MB,
    withOneWorkerRssMb: p.rss1 / MB,
    perExtraWorkerMb: (p.rssN - p.rss1) / (p.n - 1) / MB,
    workers: p.n,
    workerHeapUsedMb: p.heapUsed / MB,
  };
}

/**
 * An instance's own heap as the platform exposes it: a `/metrics` series with "heap" in its name
 * for the revision. Pool hosts receive it in heartbeats; until it is published, says so.
 */
export async function exposedIsolateHeap(platform: Platform, revisionPrefix: string): Promise<string> {
  const res = await platform.admin("/metrics");
  const text = await res.text();
  const line = text.split("\n").find((l) =>
    /^denative_\w*heap\w*\{/.test(l) && l.includes(`revision="${revisionPrefix}`)
  );
  if (!line) return "not exposed by the platform (heartbeats carry it; /metrics does not)";
  const value = Number(line.trim().split(/\s+/).pop());
  const name = line.slice(0, line.indexOf("{"));
  return name.endsWith("_bytes") ? `${(value / MB).toFixed(1)} (${name})` : `${value} (${name})`;
}
