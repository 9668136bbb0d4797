/**
 * `deno task bench`: Denative beside a bare `Deno.serve` (and workerd, when it can run here), all
 * measured in one run on this machine, since only ratios carry over between machines.
 *
 * 1. hello throughput and latency through the platform vs bare Deno.serve (vs workerd);
 * 2. new revision to first response vs a bare `new Worker` + import + first response
 *    (and cold start from zero once the autoscaler can scale to zero);
 * 3. memory of pool hosts per idle instance vs a bare deno process with workers;
 * 4. broker throughput end to end to a function, losses, and delivery latency;
 * 5. with KAFKA_BROKERS set: KafkaSource throughput to a function beside kafkajs consumers;
 * 6. density: N hello Services (BENCH_DENSITY_SERVICES, 50) in a cold platform, PSS per Service with
 *    shared and with per-revision pool hosts, beside N workers in one bare deno process;
 * 7. Redis, RabbitMQ and NATS sources beside bare clients (servers that answer), and a Sequence's latency;
 * 8. cluster mode, when PostgreSQL answers (DENATIVE_TEST_POSTGRES): a change through node 1 to being
 *    served by node 2 (p50/p99), and broker events/s with three nodes on PostgreSQL beside one on SQLite.
 *
 * Prints the environment and one markdown table, writes bench/out/results.json. Every process it
 * starts stays on 127.0.0.1 and is stopped at the end, on error and on Ctrl-C.
 * Knobs (for quicker runs while developing): BENCH_ROUNDS, BENCH_SECONDS, BENCH_SAMPLES, BENCH_LOADGEN=deno,
 * BENCH_FLOOR=0 (skips the relay floors: reference servers for the least process isolation costs),
 * BENCH_ONLY=density (runs only step 6), BENCH_ONLY=throughput (runs only step 1 and prints its targets),
 * BENCH_ONLY=sources (runs only steps 5 and 7: each source beside its bare client), BENCH_ONLY=cluster (runs
 * only step 8; BENCH_CLUSTER_EVENTS, 20,000).
 */
import { EXAMPLES } from "../test/harness.ts";
import { interrupted, onStop, stopAll, stopAllOnSignals } from "./child_processes.ts";
import { describeMachine } from "./environment.ts";
import { chooseLoadGenerator } from "./load_generator.ts";
import { startPlatformHello } from "./platform_hello.ts";
import { writeNpmHelloVariant } from "./npm_hello_variant.ts";
import { startBareHello } from "./bare_hello.ts";
import { startWorkerdHello } from "./workerd_hello.ts";
import { RELAY_FLOOR_NAMES, type RelayHop, startRelayFloor } from "./relay_floor.ts";
import { renderThroughputTargets } from "./throughput_targets.ts";
import type { HelloServer } from "./hello_server.ts";
import { measureThroughput, pairedRatio, type ThroughputOptions } from "./throughput.ts";
import { writeHelloVariant } from "./hello_variant.ts";
import { type RevisionColdStart, revisionColdStart } from "./revision_cold_start.ts";
import { workerColdStartMs } from "./worker_cold_start.ts";
import {
  coldStartsFromZero,
  type FromZero,
  SCALE_TO_ZERO_ENV,
  scaleToZeroCapability,
} from "./scale_from_zero.ts";
import { bareWorkerMemory, exposedIsolateHeap, platformMemory } from "./memory.ts";
import { machineBusy, vmRssBytes } from "./proc.ts";
import { percentile } from "./stats.ts";
import type { BenchResults, Distribution, FloorRow } from "./results.ts";
import { renderReport } from "./report.ts";
import { type BrokerBench, measureBroker, renderBroker } from "./broker_throughput.ts";
import { type LoadStep, measureLoadStep, renderLoadStep } from "./load_step.ts";
import { type KafkaSourceBenchResult, measureKafkaSourceThroughput } from "./kafka_source_bench.ts";
import {
  type DensityFloor,
  type DensityRow,
  measureDensity,
  measureDensityFloor,
  renderDensity,
} from "./density.ts";
import { type ClusterBench, measureCluster, renderCluster } from "./cluster_bench.ts";
import {
  measureQueueSources,
  type QueueSourcesBenchResult,
  renderQueueSources,
} from "./queue_sources_bench.ts";

const COMMAND = "deno task bench";
const OUT_DIR = new URL("./out/", import.meta.url).pathname;
const TARGET_RATIO = 0.6;

const envNumber = (name: string, fallback: number) => {
  const v = Number(Deno.env.get(name));
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

const log = (line: string) => console.error(`bench: ${line}`);

function distribution(samples: number[]): Distribution {
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), samples };
}

async function run(): Promise<BenchResults> {
  const started = performance.now();
  const machine = describeMachine();
  const backgroundBusy = await machineBusy(1000);
  log(`${machine.cores} cores, deno ${machine.deno}`);
  const load = await chooseLoadGenerator(log);
  log(`load generator: ${load.description} (${load.note})`);

  log("starting the platform, the bare Deno.serve hello and workerd");
  const platform = await startPlatformHello(SCALE_TO_ZERO_ENV);
  const bare = await startBareHello();
  const workerd = await startWorkerdHello();
  const servers: HelloServer[] = [platform, bare];
  if (workerd.ok) servers.push(workerd.server);
  else log(`workerd: not available (${workerd.reason})`);
  // The relay floors come after: what the least process isolation costs (relay_floor.ts).
  const floors: HelloServer[] = [];
  let floorsSkipped = "";
  if (Deno.env.get("BENCH_FLOOR") === "0") floorsSkipped = "skipped (BENCH_FLOOR=0)";
  else {
    log("starting the relay floors (1 process hop; process + worker hop)");
    try {
      for (const hop of ["process", "worker"] as RelayHop[]) floors.push(await startRelayFloor(hop));
    } catch (err) {
      floorsSkipped = `not available (${(err as Error).message})`;
      log(`relay floors: ${floorsSkipped}`);
      for (const f of floors.splice(0)) await f.stop();
    }
  }
  servers.push(...floors);

  // 1. Throughput.
  const options: ThroughputOptions = {
    rounds: envNumber("BENCH_ROUNDS", 3),
    seconds: envNumber("BENCH_SECONDS", 5),
    warmupSeconds: 1,
    connections: 32,
  };
  log(
    `throughput: ${options.rounds} rounds × ${servers.length} servers × (1 s warm-up + ${options.seconds} s)`,
  );
  const rows = await measureThroughput(servers, load, options, log);
  await bare.stop();
  if (workerd.ok) await workerd.server.stop();
  for (const f of floors) await f.stop();

  // 2. Cold start: platform and bare worker samples interleaved, one warm-up of each first.
  const samples = envNumber("BENCH_SAMPLES", 30);
  log(`cold start: ${samples} samples of a new revision and of a bare worker, interleaved`);
  const variants = await Deno.makeTempDir({ prefix: "denative-bench-variants-" });
  onStop(() => Deno.remove(variants, { recursive: true }).catch(() => {}));
  const revisions: RevisionColdStart[] = [];
  const workers: number[] = [];
  for (let i = 0; i <= samples; i++) {
    const rev = await revisionColdStart(platform.platform, await writeHelloVariant(variants, `rev-${i}`));
    const worker = await workerColdStartMs(await writeHelloVariant(variants, `worker-${i}`));
    if (i === 0) continue; // warm-up: the first deploy also creates the Service and its route
    revisions.push(rev);
    workers.push(worker);
  }
  const capability = await scaleToZeroCapability(platform.platform);
  let fromZero: FromZero = { measured: false, why: capability.supported ? "" : capability.why };
  let fromZeroNpm: FromZero = fromZero;
  if (capability.supported) {
    const rounds = Math.max(1, Math.round(samples / 10));
    log(`cold start from zero, hello and a Hono app from npm in turn: 2 × 10 services × ${rounds} round(s)`);
    [fromZero, fromZeroNpm] = await coldStartsFromZero(
      platform.platform,
      { services: 10, rounds, spacingMs: 600, workDir: variants },
      [{ prefix: "zero" }, { prefix: "zero-npm", variant: writeNpmHelloVariant }],
    ).catch((err) => {
      const failed: FromZero = { measured: false, why: `failed: ${(err as Error).message}` };
      return [failed, failed];
    });
  }

  // 3. Memory.
  log("memory: hello with min-scale 1, then min-scale 10, and the bare reference");
  const one = await platformMemory(platform.platform, "mem1", 1, 0);
  const ten = await platformMemory(platform.platform, "mem10", 10, 5_000);
  const isolateHeap = await exposedIsolateHeap(platform.platform, "mem1-");
  const platformMainRssMb = vmRssBytes(platform.platform.pid) / (1024 * 1024);
  const bareMemory = await bareWorkerMemory(`${EXAMPLES}/hello`, 10);

  // 3b. Scaling: a load step.
  log("scaling: a load step of 16 concurrent clients against one idle instance");
  loadStep = await measureLoadStep(platform.platform);

  // 4. Eventing.
  log("broker: events through a durable broker to a function");
  broker = await measureBroker(platform.platform, {
    events: envNumber("BENCH_EVENTS", 20_000),
    batch: 100,
    inFlight: 4,
    probes: 100,
  });
  await platform.stop();

  await runDensity();

  // 5. Kafka, when a broker is there.
  const brokers = Deno.env.get("KAFKA_BROKERS");
  if (brokers) {
    kafka = await measureKafkaSourceThroughput({ brokers: brokers.split(","), log }).catch((err) => {
      log(`kafka source: not measured (${(err as Error).message})`);
      return undefined;
    });
  } else log("kafka source: not measured (KAFKA_BROKERS is not set; deno task kafka:up)");

  // 7. Redis, RabbitMQ and NATS sources, and a Sequence.
  queueSources = await measureQueueSources({ log }).catch((err) => {
    log(`queue sources: not measured (${(err as Error).message})`);
    return undefined;
  });

  // 8. Cluster mode, when PostgreSQL is there.
  cluster = await runCluster().catch((err) => {
    log(`cluster: not measured (${(err as Error).message})`);
    return undefined;
  });

  const [platformRow, bareRow] = rows;
  const workerdRow = workerd.ok ? rows[2] : { notAvailable: workerd.reason };
  const floorRows: FloorRow[] = rows.slice(rows.length - floors.length).map((row) => ({
    ...row,
    ratioToBare: row.requestsPerSecond / bareRow.requestsPerSecond,
    pairedRatioToBare: pairedRatio(row, bareRow),
  }));
  return {
    command: COMMAND,
    environment: {
      ...machine,
      loadGenerator: load.description,
      loadGeneratorNote: load.note,
      workerd: workerd.ok ? workerd.version : `not available (${workerd.reason})`,
      backgroundBusy,
    },
    throughput: {
      options,
      platform: platformRow,
      bare: bareRow,
      workerd: workerdRow,
      ratio: platformRow.requestsPerSecond / bareRow.requestsPerSecond,
      pairedRatio: pairedRatio(platformRow, bareRow),
      target: TARGET_RATIO,
      floors: floorsSkipped ? { notMeasured: floorsSkipped } : floorRows,
    },
    coldStart: {
      samples,
      newRevisionMs: distribution(revisions.map((r) => r.totalMs)),
      putToFirstMs: distribution(revisions.map((r) => r.putToFirstMs)),
      uploadMs: distribution(revisions.map((r) => r.uploadMs)),
      bareWorkerMs: distribution(workers),
      fromZero,
      fromZeroNpm,
    },
    memory: { platformMainRssMb, one, ten, isolateHeap, bare: bareMemory },
    runtimeSeconds: (performance.now() - started) / 1000,
  };
}

/** Step 1 alone: the platform beside the relay floors and workerd, and its targets against them. */
async function runThroughputOnly(): Promise<string> {
  const load = await chooseLoadGenerator(log);
  const platform = await startPlatformHello();
  const servers: HelloServer[] = [platform];
  const workerd = await startWorkerdHello();
  if (workerd.ok) servers.push(workerd.server);
  else log(`workerd: not available (${workerd.reason})`);
  if (Deno.env.get("BENCH_FLOOR") !== "0") {
    for (const hop of ["process", "worker"] as RelayHop[]) servers.push(await startRelayFloor(hop));
  }
  const rows = await measureThroughput(servers, load, {
    rounds: envNumber("BENCH_ROUNDS", 3),
    seconds: envNumber("BENCH_SECONDS", 5),
    warmupSeconds: 1,
    connections: 32,
  }, log);
  for (const s of servers) await s.stop();
  await Deno.mkdir(OUT_DIR, { recursive: true });
  await Deno.writeTextFile(`${OUT_DIR}throughput.json`, JSON.stringify(rows, null, 2) + "\n");
  const floor = rows.find((r) => r.name === RELAY_FLOOR_NAMES.worker);
  return renderThroughputTargets(rows[0], floor, workerd.ok ? rows[1] : undefined, rows);
}

/** Step 6: the platform's proportional memory per Service with shared and with per-revision hosts. */
async function runDensity() {
  const services = envNumber("BENCH_DENSITY_SERVICES", 50);
  density = [];
  for (const sharing of ["namespace", "revision"] as const) {
    log(`density: ${services} hello Services, --host-sharing ${sharing}`);
    density.push(await measureDensity(services, sharing));
  }
  log(`density: ${services} hello workers in one bare deno process`);
  densityFloor = await measureDensityFloor(services).catch((err) => {
    log(`density floor: not measured (${(err as Error).message})`);
    return undefined;
  });
}

/** Step 8: three nodes on PostgreSQL beside one on SQLite. */
function runCluster(): Promise<ClusterBench> {
  return measureCluster({
    changes: envNumber("BENCH_CLUSTER_CHANGES", 20),
    events: envNumber("BENCH_CLUSTER_EVENTS", 20_000),
    batch: 100,
    inFlight: 6,
    log,
  });
}

/**
 * BENCH_ONLY=<step>: runs just `measure`, stops what it started, writes `<step>.json` with what it returns
 * (unless that is already the report's text) and prints its report; exits 1 when it fails.
 */
async function runOnly<T>(step: string, measure: () => Promise<T>, report: (result: T) => string) {
  let result: T;
  try {
    result = await measure();
  } catch (err) {
    if (!interrupted()) console.error(`bench failed: ${err instanceof Error ? err.stack : err}`);
    await stopAll(5_000);
    Deno.exit(1);
  }
  await stopAll();
  if (typeof result !== "string") {
    await Deno.mkdir(OUT_DIR, { recursive: true });
    await Deno.writeTextFile(`${OUT_DIR}${step}.json`, JSON.stringify(result, null, 2) + "\n");
  }
  console.log(report(result));
  Deno.exit(0);
}

stopAllOnSignals();
let cluster: ClusterBench | undefined;
let density: DensityRow[] = [];
let densityFloor: DensityFloor | undefined;
let broker: BrokerBench | undefined;
let loadStep: LoadStep | undefined;
let kafka: KafkaSourceBenchResult | undefined;
let queueSources: QueueSourcesBenchResult | undefined;
const only = Deno.env.get("BENCH_ONLY");
if (only === "cluster") await runOnly("cluster", runCluster, renderCluster);
if (only === "density") {
  await runOnly("density", async () => {
    await runDensity();
    return { density, floor: densityFloor };
  }, (r) => renderDensity(r.density, r.floor));
}
if (only === "throughput") await runOnly("throughput", runThroughputOnly, (text) => text);
if (only === "sources") {
  await runOnly(
    "sources",
    async () => {
      const brokers = Deno.env.get("KAFKA_BROKERS");
      if (brokers) kafka = await measureKafkaSourceThroughput({ brokers: brokers.split(","), log });
      else log("kafka source: not measured (KAFKA_BROKERS is not set; deno task kafka:up)");
      queueSources = await measureQueueSources({ log });
      return { kafka, queueSources };
    },
    (r) =>
      [r.kafka ? renderKafka(r.kafka) : "", renderQueueSources(r.queueSources)].filter(Boolean).join("\n"),
  );
}
let results: BenchResults;
try {
  results = await run();
} catch (err) {
  if (!interrupted()) console.error(`bench failed: ${err instanceof Error ? err.stack : err}`);
  await stopAll(5_000);
  // After Ctrl-C the signal handler exits once everything is stopped.
  if (interrupted()) await new Promise(() => {});
  Deno.exit(1);
}
await stopAll();
await Deno.mkdir(OUT_DIR, { recursive: true });
await Deno.writeTextFile(
  `${OUT_DIR}results.json`,
  JSON.stringify(
    { ...results, loadStep, broker, kafka, density, densityFloor, queueSources, cluster },
    null,
    2,
  ) +
    "\n",
);
console.log(renderReport(results));
if (loadStep) console.log(renderLoadStep(loadStep));
if (broker) console.log(renderBroker(broker));
if (kafka) console.log(renderKafka(kafka));
if (density.length > 0) console.log(renderDensity(density, densityFloor));
if (queueSources) console.log(renderQueueSources(queueSources));
if (cluster) console.log(renderCluster(cluster));

function renderKafka(k: KafkaSourceBenchResult): string {
  const rate = (n: number) => Math.round(n).toLocaleString("en-US");
  return [
    "",
    `| Kafka (${k.records} records of ${k.valueBytes} B in ${k.partitions} partitions) | events/s | KafkaSource ÷ it |`,
    "| --- | ---: | ---: |",
    `| **KafkaSource → function, unordered** | **${rate(k.unordered.eventsPerSecond)}** | (target ≥ 5,000) |`,
    ...(k.ordered ? [`| KafkaSource → function, ordered | ${rate(k.ordered.eventsPerSecond)} | |`] : []),
    `| ${k.bareToFunction.name} | ${rate(k.bareToFunction.eventsPerSecond)} | ${k.ratio.toFixed(2)}× |`,
    `| ${k.bareServe.name} | ${rate(k.bareServe.eventsPerSecond)} | ${k.ratioToBareServe.toFixed(2)}× |`,
    `| ${k.bare.name} | ${rate(k.bare.eventsPerSecond)} | ${k.ratioToReadOnly.toFixed(3)}× |`,
  ].join("\n");
}
console.log(`\n(results: bench/out/results.json)`);
Deno.exit(0);
