/**
 * Soak: runs the real platform for `--minutes` (default 10) under mixed load and prints, every 30 s
 * and at the end, the platform's RSS, its open file descriptors, the pool hosts' RSS and count, and
 * the failures. The load: a steady ~100 requests/s on `hello`; every minute a 20 s burst of 40
 * concurrent callers on `burst` (target 5: it scales out), then quiet, so it scales back to zero;
 * every 90 s a redeploy of `hello` with new code; 20 CloudEvents/s through a Broker to `echo`.
 * At the end: no failed request, every service answers, and `burst` is back at zero instances.
 *
 *   deno task soak [--minutes 10]
 */
import { parseArgs } from "node:util";
import { EXAMPLES, Platform, tempDir } from "../test/harness.ts";
import { childPids, processTree, vmRssBytes } from "./proc.ts";
import { encodeHttpBatch } from "../platform/eventing/cloudevents/http_encode.ts";

const { values } = parseArgs({ args: Deno.args, options: { minutes: { type: "string", default: "10" } } });
const minutes = Number(values.minutes);
if (!(minutes > 0)) throw new Error(`--minutes: "${values.minutes}" is not a positive number`);

const MiB = 1024 * 1024;
const SERVICES = "/apis/serving.knative.dev/v1/namespaces/default/services";
const EVENTING = "/apis/eventing.knative.dev/v1/namespaces/default";

const platform = await Platform.start({
  functions: { hello: `${EXAMPLES}/hello`, echo: `${EXAMPLES}/echo` },
  env: { DENATIVE_STABLE_WINDOW: "6s", DENATIVE_SCALE_TO_ZERO_GRACE_PERIOD: "5s", DENATIVE_QUIET: "1" },
});
const counts = { ok: 0, failed: 0, events: 0, eventsFailed: 0, deploys: 0 };
const failures: string[] = [];
let running = true;

async function put(path: string, doc: unknown) {
  const res = await platform.admin(path, {
    method: "PUT",
    body: JSON.stringify(doc),
    headers: { "content-type": "application/json" },
  });
  if (!res.ok) throw new Error(`PUT ${path}: ${res.status} ${await res.text()}`);
  await res.body?.cancel();
}

async function bundle(answer: string): Promise<string> {
  const dir = await tempDir();
  await Deno.writeTextFile(
    `${dir}/main.ts`,
    `export default { fetch: () => new Response(${JSON.stringify(answer)}) };`,
  );
  return await platform.uploadBundle(dir);
}

const service = (name: string, image: string, annotations: Record<string, string> = {}) => ({
  apiVersion: "serving.knative.dev/v1",
  kind: "Service",
  metadata: { name },
  spec: { template: { metadata: { annotations }, spec: { containers: [{ image }] } } },
});

await put(
  `${SERVICES}/burst`,
  service("burst", await bundle("burst"), { "autoscaling.knative.dev/target": "5" }),
);
await platform.settled("burst");
await put(`${EVENTING}/brokers/soak`, {
  apiVersion: "eventing.knative.dev/v1",
  kind: "Broker",
  metadata: { name: "soak" },
});
await put(`${EVENTING}/triggers/soak`, {
  apiVersion: "eventing.knative.dev/v1",
  kind: "Trigger",
  metadata: { name: "soak" },
  spec: {
    broker: "soak",
    subscriber: { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "echo" } },
  },
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function call(path: string) {
  try {
    const res = await fetch(`http://127.0.0.1:${platform.port}${path}`, {
      signal: AbortSignal.timeout(30_000),
    });
    const body = await res.text();
    if (res.status === 200) counts.ok++;
    else {
      counts.failed++;
      if (failures.length < 20) failures.push(`${path} ${res.status} ${body.slice(0, 120)}`);
    }
  } catch (err) {
    counts.failed++;
    if (failures.length < 20) failures.push(`${path} ${err}`);
  }
}

async function paced(path: string, perSecond: number, active: () => boolean) {
  while (running) {
    if (!active()) {
      await pause(200);
      continue;
    }
    const started = performance.now();
    await call(path);
    const rest = 1000 / perSecond - (performance.now() - started);
    if (rest > 0) await pause(rest);
  }
}

const began = Date.now();
const elapsed = () => (Date.now() - began) / 1000;
const bursting = () => elapsed() % 60 < 20;
const loops: Promise<void>[] = [];
for (let i = 0; i < 8; i++) loops.push(paced("/function/hello/", 12.5, () => true));
for (let i = 0; i < 40; i++) loops.push(paced("/function/burst/", 20, bursting));
loops.push((async () => {
  let n = 0;
  while (running) {
    const batch = encodeHttpBatch(Array.from({ length: 10 }, () => ({
      specversion: "1.0" as const,
      id: `soak-${n++}`,
      source: "/soak",
      type: "soak.tick",
      extensions: {},
    })));
    try {
      const res = await fetch(`http://127.0.0.1:${platform.port}/broker/default/soak`, {
        method: "POST",
        headers: batch.headers,
        body: batch.body,
      });
      await res.body?.cancel();
      if (res.status === 202) counts.events += 10;
      else counts.eventsFailed += 10;
    } catch {
      counts.eventsFailed += 10;
    }
    await pause(500);
  }
})());
loops.push((async () => {
  while (running) {
    await pause(90_000);
    if (!running) break;
    await put(`${SERVICES}/hello`, service("hello", await bundle(`hello v${++counts.deploys}`)));
  }
})());

const samples: { t: number; rss: number; fds: number; hosts: number; hostRss: number }[] = [];
function sample() {
  const pid = platform.pid;
  const hosts = processTree(pid).filter((p) => p !== pid);
  const s = {
    t: Math.round(elapsed()),
    rss: vmRssBytes(pid) / MiB,
    fds: [...Deno.readDirSync(`/proc/${pid}/fd`)].length,
    hosts: childPids(pid).length,
    hostRss: hosts.reduce((sum, p) => sum + vmRssBytes(p), 0) / MiB,
  };
  samples.push(s);
  console.log(
    `${String(s.t).padStart(5)} s  platform RSS ${s.rss.toFixed(0)} MiB, ${s.fds} fds; ` +
      `${s.hosts} pool hosts, ${s.hostRss.toFixed(0)} MiB; ${counts.ok} ok, ${counts.failed} failed, ` +
      `${counts.events} events accepted (${counts.eventsFailed} refused), ${counts.deploys} deploys`,
  );
}
sample();
while (elapsed() < minutes * 60) {
  await pause(30_000);
  sample();
}
running = false;
await Promise.all(loops);

// Quiet: the burst service must go back to zero, and everything must still answer.
let burstReplicas = -1;
for (let i = 0; i < 60 && burstReplicas !== 0; i++) {
  await pause(1_000);
  const revs = await platform.adminJson<{ items: { status?: { actualReplicas?: number } }[] }>(
    "/apis/serving.knative.dev/v1/namespaces/default/revisions?labelSelector=serving.knative.dev/service=burst",
  );
  burstReplicas = revs.items.reduce((n, r) => n + (r.status?.actualReplicas ?? 0), 0);
}
for (const path of ["/function/hello/", "/function/burst/", "/function/echo/"]) await call(path);
sample();
const first = samples[1] ?? samples[0];
const last = samples[samples.length - 1];
const max = (k: "rss" | "fds" | "hostRss") => Math.max(...samples.map((s) => s[k])).toFixed(0);
console.log(
  `\nsoak ${minutes} min: ${counts.ok} requests ok, ${counts.failed} failed; ${counts.events} events accepted; ` +
    `${counts.deploys} redeploys; platform RSS ${first.rss.toFixed(0)} -> ${last.rss.toFixed(0)} MiB ` +
    `(max ${max("rss")}), fds ${first.fds} -> ${last.fds} (max ${max("fds")}), pool hosts' RSS ` +
    `${first.hostRss.toFixed(0)} -> ${last.hostRss.toFixed(0)} MiB (max ${max("hostRss")}); ` +
    `burst instances after the quiet: ${burstReplicas}`,
);
if (failures.length) console.log("failures:", failures);
await platform.stop();
if (counts.failed > 0 || burstReplicas !== 0) Deno.exit(1);
