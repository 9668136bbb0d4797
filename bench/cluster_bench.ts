/**
 * Cluster mode (`BENCH_ONLY=cluster`), three nodes on this machine against the local PostgreSQL:
 * - how long a change applied through node 1's admin API takes to be served by node 2 (a Service's
 *   traffic flipped between two revisions, node 2 polled back to back until it answers the new one);
 * - broker throughput: the same batched sender and the same subscriber (a counter in its own process)
 *   against one node on SQLite, then against three nodes on PostgreSQL (batches spread over the
 *   three ingresses, every node's dispatcher claiming deliveries from the shared log).
 */
import { freePort, Platform, serviceDoc, tempDir } from "../test/harness.ts";
import { createTestDatabase, postgresUnreachable } from "../test/postgres_test_env.ts";
import { onStop, spawnTracked } from "./child_processes.ts";
import { readListeningPort } from "./listening_line.ts";
import { percentile } from "./stats.ts";

export interface BrokerRun {
  nodes: number;
  store: string;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** How fast the ingresses answered 202 (the events durably stored). */
  acceptedPerSecond: number;
  lost: number;
  duplicates: number;
}

export interface ClusterBench {
  propagation: { changes: number; p50Ms: number; p99Ms: number; samplesMs: number[] };
  broker: BrokerRun[];
}

export interface ClusterBenchOptions {
  changes: number;
  events: number;
  batch: number;
  inFlight: number;
  log: (line: string) => void;
}

const EVENTING = "/apis/eventing.knative.dev/v1/namespaces/default";
const COUNTER_SCRIPT = new URL("./event_counter_process.ts", import.meta.url).pathname;

export async function measureCluster(opts: ClusterBenchOptions): Promise<ClusterBench> {
  const unreachable = await postgresUnreachable();
  if (unreachable) throw new Error(unreachable);
  const counter = await startCounter();
  const broker: BrokerRun[] = [];

  opts.log("cluster: broker throughput, one node on SQLite");
  const single = await startNode([]);
  broker.push(await brokerRun([single], "SQLite", counter, opts));
  await single.stop();

  opts.log("cluster: three nodes on PostgreSQL");
  const db = await createTestDatabase();
  onStop(() => db.drop().catch(() => {}));
  const nodes: Platform[] = [];
  // Every node names the same (load balancer's) port in URLs, so their status writes agree.
  const publicPort = String(freePort());
  for (let i = 1; i <= 3; i++) {
    nodes.push(
      await startNode(["--database", db.url, "--node-name", `bench-node-${i}`, "--public-port", publicPort]),
    );
  }
  opts.log(`cluster: change on node 1 → served by node 2, ${opts.changes} traffic changes`);
  const samplesMs = await propagation(nodes[0], nodes[1], opts.changes);
  opts.log("cluster: broker throughput, three nodes on PostgreSQL");
  broker.push(await brokerRun(nodes, "PostgreSQL", counter, opts));
  for (const node of nodes) await node.stop();
  await db.drop();
  return {
    propagation: {
      changes: samplesMs.length,
      p50Ms: percentile(samplesMs, 50),
      p99Ms: percentile(samplesMs, 99),
      samplesMs,
    },
    broker,
  };
}

async function startNode(args: string[]): Promise<Platform> {
  const node = await Platform.start({ args });
  onStop(() => node.kill().catch(() => {}));
  return node;
}

/** The counter subscriber's URL (its own process, stopped with the bench). */
async function startCounter(): Promise<string> {
  const child = spawnTracked(Deno.execPath(), {
    args: ["run", "--quiet", "--no-config", "--allow-net=127.0.0.1", COUNTER_SCRIPT],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  });
  return `http://127.0.0.1:${await readListeningPort(child.stdout)}/`;
}

/** Milliseconds from each traffic change PUT on `from` to `to` answering with the new revision. */
async function propagation(from: Platform, to: Platform, changes: number): Promise<number[]> {
  const revisions: { name: string; text: string }[] = [];
  for (const text of ["blue", "green"]) {
    const dir = await tempDir();
    await Deno.writeTextFile(`${dir}/main.ts`, `export default { fetch: () => new Response("${text}") };`);
    await from.putService(serviceDoc("flip", await from.uploadBundle(dir)));
    const svc = await from.settled("flip");
    revisions.push({ name: svc.status!.latestReadyRevisionName as string, text });
  }
  // A call that fails or takes too long counts as "not yet".
  const answer = async () => {
    try {
      return await (await to.call("flip", "/", { signal: AbortSignal.timeout(10_000) })).text();
    } catch {
      return "";
    }
  };
  while (await answer() !== "green") await new Promise((r) => setTimeout(r, 50));
  const samples: number[] = [];
  // The first two changes warm each revision up on node 2 (not counted).
  for (let i = -2; i < changes; i++) {
    const target = revisions[(i + 2) % 2];
    const svc = await from.service("flip");
    const started = performance.now();
    // No resourceVersion: the nodes' status writes move it on; the change is unconditional.
    await from.putService({
      ...svc,
      metadata: { ...svc.metadata, resourceVersion: undefined },
      spec: { ...svc.spec, traffic: [{ revisionName: target.name, percent: 100 }] },
    });
    const deadline = started + 30_000;
    while (await answer() !== target.text) {
      if (performance.now() > deadline) throw new Error(`node 2 never served ${target.name}`);
    }
    if (i >= 0) samples.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 100));
  }
  return samples;
}

async function put(node: Platform, path: string, doc: unknown) {
  await node.adminJson(path, {
    method: "PUT",
    body: JSON.stringify(doc),
    headers: { "content-type": "application/json" },
  });
}

/** Sends `events` in batches spread over the nodes' ingresses and waits until the counter saw them all. */
async function brokerRun(nodes: Platform[], store: string, counter: string, opts: ClusterBenchOptions) {
  await put(nodes[0], `${EVENTING}/brokers/bench`, {
    apiVersion: "eventing.knative.dev/v1",
    kind: "Broker",
    metadata: { name: "bench" },
  });
  await put(nodes[0], `${EVENTING}/triggers/bench-counter`, {
    apiVersion: "eventing.knative.dev/v1",
    kind: "Trigger",
    metadata: { name: "bench-counter" },
    spec: { broker: "bench", filter: { attributes: { type: "bench.event" } }, subscriber: { uri: counter } },
  });
  const ingresses = nodes.map((n) => `http://127.0.0.1:${n.port}/broker/default/bench`);
  const counts = async () => await (await fetch(counter)).json() as { received: number; distinct: number };
  // Every node must know the trigger before the clock starts (an ingress stores only matching
  // events): a probe through each ingress reaches the counter.
  for (const url of ingresses) await untilProbeArrives(url, counter, counts);
  await (await fetch(counter, { method: "DELETE" })).body?.cancel();
  const started = performance.now();
  let next = 0;
  let batchNo = 0;
  const sender = async () => {
    while (next < opts.events) {
      const from = next;
      next = Math.min(opts.events, next + opts.batch);
      const url = ingresses[batchNo++ % ingresses.length];
      const batch = [];
      for (let i = from; i < next; i++) {
        batch.push({ specversion: "1.0", id: `e-${i}`, source: "/bench", type: "bench.event", data: { i } });
      }
      const res = await fetch(url, {
        method: "POST",
        body: JSON.stringify(batch),
        headers: { "content-type": "application/cloudevents-batch+json" },
      });
      await res.body?.cancel();
      if (res.status !== 202) throw new Error(`the broker ingress answered ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: opts.inFlight }, sender));
  const sendSeconds = (performance.now() - started) / 1000;
  let seen = await counts();
  const deadline = Date.now() + 180_000;
  while (seen.distinct < opts.events && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    seen = await counts();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    nodes: nodes.length,
    store,
    events: opts.events,
    seconds,
    eventsPerSecond: seen.distinct / seconds,
    acceptedPerSecond: opts.events / sendSeconds,
    lost: opts.events - seen.distinct,
    duplicates: seen.received - seen.distinct,
  };
}

/** Sends probe events through the ingress until one reaches the counter. */
async function untilProbeArrives(url: string, counter: string, counts: () => Promise<{ distinct: number }>) {
  for (let i = 0; i < 100; i++) {
    await (await fetch(counter, { method: "DELETE" })).body?.cancel();
    const res = await fetch(url, {
      method: "POST",
      body: "",
      headers: {
        "ce-specversion": "1.0",
        "ce-id": `probe-${i}`,
        "ce-source": "/bench",
        "ce-type": "bench.event",
      },
    });
    await res.body?.cancel();
    for (let j = 0; j < 10 && res.status === 202; j++) {
      if ((await counts()).distinct > 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`no probe through ${url} reached the subscriber`);
}

export function renderCluster(c: ClusterBench): string {
  const rate = (n: number) => Math.round(n).toLocaleString("en-US");
  const [single, cluster] = c.broker;
  return [
    "",
    "| Cluster mode | Denative |",
    "| --- | ---: |",
    `| Change through node 1 → served by node 2, p50 / p99, ms (${c.propagation.changes} traffic changes) | ${
      c.propagation.p50Ms.toFixed(1)
    } / ${c.propagation.p99Ms.toFixed(1)} |`,
    ...c.broker.flatMap((b) => [
      `| Broker → subscriber, ${b.nodes} node(s) on ${b.store}, events/s (${b.events} events; ${b.lost} lost, ${b.duplicates} duplicated) | ${
        rate(b.eventsPerSecond)
      } |`,
      `| ingress acceptance (202 once stored), ${b.nodes} node(s) on ${b.store}, events/s | ${
        rate(b.acceptedPerSecond)
      } |`,
    ]),
    ...(single && cluster
      ? [
        `| three nodes on PostgreSQL ÷ one node on SQLite | ${
          (cluster.eventsPerSecond / single.eventsPerSecond).toFixed(2)
        }× |`,
      ]
      : []),
  ].join("\n");
}
