/** The one markdown table a run prints, with the environment above it. */
import type { BenchResults } from "./results.ts";
import type { ThroughputRow } from "./throughput.ts";
import { percentile } from "./stats.ts";
import { FLOOR_TARGET, targetRatio, WORKERD_TARGET } from "./throughput_targets.ts";
import { RELAY_FLOOR_NAMES } from "./relay_floor.ts";

const NA = "—";

function num(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return NA;
  return n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${num(a / b, 2)}×` : NA;
}

function escape(text: string): string {
  return text.replaceAll("|", "\\|");
}

/** Per-instance cost from min-scale 10, or why it could not be measured. */
export function perInstanceAtTen(r: BenchResults): { mb?: number; why?: string } {
  const { one, ten } = r.memory;
  if (ten.instances < ten.minScale) {
    return {
      why: `not measurable yet: min-scale ${ten.minScale} gave ${ten.instances} instance(s) ` +
        `(autoscaler not wired in)`,
    };
  }
  if (one.instances !== 1) return { why: `min-scale 1 gave ${one.instances} instances` };
  return { mb: (ten.addedRssMb - one.addedRssMb) / (ten.instances - one.instances) };
}

export function renderReport(r: BenchResults): string {
  const e = r.environment;
  const t = r.throughput;
  const c = r.coldStart;
  const m = r.memory;
  const w = "notAvailable" in t.workerd ? undefined : t.workerd as ThroughputRow;
  const wrkd = (f: (row: ThroughputRow) => string) => (w ? f(w) : NA);
  const met = (ok: boolean) => (ok ? "met" : "missed");
  const lines: string[] = [];
  lines.push(
    `- command: \`${r.command}\``,
    `- machine: ${e.cores} cores, ${e.cpuModel}, ${e.kernel}`,
    `- deno ${e.deno} (v8 ${e.v8}); load generator: ${e.loadGenerator} — ${e.loadGeneratorNote}`,
    `- workerd: ${e.workerd}`,
    `- machine busy before the run (other processes): ${num(e.backgroundBusy * 100, 0)}% of all cores`,
    `- throughput: ${t.options.rounds} rounds, servers loaded one at a time in rotating order, each ` +
      `${t.options.warmupSeconds} s warm-up + ${t.options.seconds} s at ${t.options.connections} keep-alive ` +
      `connections; medians over rounds. Platform called by Host \`hello.default.localhost\`.`,
    `- ${e.date}, total bench time ${num(r.runtimeSeconds, 0)} s`,
    "",
    "| Measure | Denative | bare Deno | workerd | Denative ÷ bare | Target |",
    "| --- | ---: | ---: | ---: | ---: | --- |",
  );
  const row = (...cells: string[]) => lines.push(`| ${cells.map(escape).join(" | ")} |`);
  row(
    "Hello throughput, req/s",
    num(t.platform.requestsPerSecond, 0),
    num(t.bare.requestsPerSecond, 0),
    wrkd((x) => num(x.requestsPerSecond, 0)),
    `${num(t.ratio, 2)}× (paired ${num(t.pairedRatio, 2)}×)`,
    `≥ ${t.target}× — ${met(t.ratio >= t.target)}`,
  );
  row(
    "CPU per request (server process tree), µs",
    num(t.platform.cpuMicrosPerRequest),
    num(t.bare.cpuMicrosPerRequest),
    wrkd((x) => num(x.cpuMicrosPerRequest)),
    ratio(t.platform.cpuMicrosPerRequest, t.bare.cpuMicrosPerRequest),
    "",
  );
  row(
    "… of which the platform process / the pool hosts, µs",
    `${num(t.platform.rootCpuMicrosPerRequest)} / ${
      num(t.platform.cpuMicrosPerRequest - t.platform.rootCpuMicrosPerRequest)
    }`,
    "",
    "",
    "",
    "",
  );
  row(
    "Hello latency p50, ms",
    num(t.platform.p50Ms, 2),
    num(t.bare.p50Ms, 2),
    wrkd((x) => num(x.p50Ms, 2)),
    ratio(t.platform.p50Ms, t.bare.p50Ms),
    "",
  );
  row(
    "Hello latency p99, ms",
    num(t.platform.p99Ms, 2),
    num(t.bare.p99Ms, 2),
    wrkd((x) => num(x.p99Ms, 2)),
    ratio(t.platform.p99Ms, t.bare.p99Ms),
    "",
  );
  const errors = t.platform.errors + t.bare.errors + (w?.errors ?? 0);
  if (errors > 0) {
    row(
      "Failed requests under load",
      String(t.platform.errors),
      String(t.bare.errors),
      wrkd((x) => String(x.errors)),
      "",
      "0",
    );
  }
  // The relay floors: reference rows, their own figure in the Denative column (the best Denative
  // could do with that isolation), bare Deno beside it, and the ratio between them.
  const floors = "notMeasured" in t.floors ? [] : t.floors;
  const withCpu = (x: ThroughputRow) =>
    `${num(x.requestsPerSecond, 0)} (${num(x.cpuMicrosPerRequest)} µs CPU)`;
  for (const f of floors) {
    row(
      `Hello throughput, req/s (CPU per request) — ${f.name} (reference, see below)` +
        (f.errors ? `, ${f.errors} failed` : ""),
      withCpu(f),
      withCpu(t.bare),
      NA,
      `${num(f.ratioToBare, 2)}× (paired ${num(f.pairedRatioToBare, 2)}×)`,
      "",
    );
  }
  // Issue 10's targets, against references measured in this run (per-round ratios: median, range).
  const floor = floors.find((f) => f.name === RELAY_FLOOR_NAMES.worker);
  for (const [ref, target] of [[floor, FLOOR_TARGET], [w, WORKERD_TARGET]] as const) {
    if (!ref) continue;
    const r = targetRatio(t.platform, ref, target);
    row(
      `Denative ÷ ${r.reference}, req/s (per round: median, range)`,
      `${num(r.paired, 2)}× (${num(r.min, 2)}–${num(r.max, 2)}×)`,
      "",
      "",
      "",
      `≥ ${target}× — ${met(r.met)}`,
    );
  }
  const cold = `(${c.samples} samples; bare = new Worker + import + first response)`;
  row(
    `New revision → first response p50, ms ${cold}`,
    num(c.newRevisionMs.p50),
    num(c.bareWorkerMs.p50),
    NA,
    ratio(c.newRevisionMs.p50, c.bareWorkerMs.p50),
    "",
  );
  row(
    "New revision → first response p99, ms",
    num(c.newRevisionMs.p99),
    num(c.bareWorkerMs.p99),
    NA,
    ratio(c.newRevisionMs.p99, c.bareWorkerMs.p99),
    "",
  );
  row(
    "  of which upload p50 / PUT → first response p50, ms",
    `${num(c.uploadMs.p50)} / ${num(c.putToFirstMs.p50)}`,
    NA,
    NA,
    "",
    "",
  );
  if (c.fromZero.measured) {
    const z = c.fromZero.samplesMs;
    const p50 = percentile(z, 50);
    const p99 = percentile(z, 99);
    row(
      `Cold start from zero p50, ms (${z.length} samples: ${c.fromZero.note}; bare = as above)`,
      num(p50),
      num(c.bareWorkerMs.p50),
      NA,
      ratio(p50, c.bareWorkerMs.p50),
      `≤ 15 — ${met(p50 <= 15)}`,
    );
    row(
      "Cold start from zero p99, ms",
      num(p99),
      num(c.bareWorkerMs.p99),
      NA,
      ratio(p99, c.bareWorkerMs.p99),
      `≤ 50 — ${met(p99 <= 50)}`,
    );
  } else {
    row("Cold start from zero, ms", `not measured: ${c.fromZero.why}`, NA, NA, NA, "p50 ≤ 15, p99 ≤ 50");
  }
  if (c.fromZeroNpm?.measured && c.fromZero.measured) {
    const npm = c.fromZeroNpm.samplesMs;
    const hello = c.fromZero.samplesMs;
    const gap = percentile(npm, 50) - percentile(hello, 50);
    row(
      `Cold start from zero p50 / p99 of a Hono app from npm (deps resolved at deploy; called in turn with hello), ms (${npm.length} samples; beside it: hello's)`,
      `${num(percentile(npm, 50))} / ${num(percentile(npm, 99))}`,
      `${num(percentile(hello, 50))} / ${num(percentile(hello, 99))}`,
      NA,
      ratio(percentile(npm, 50), percentile(hello, 50)),
      `p50 within 2 ms of hello's — ${met(gap <= 2)} (${gap.toFixed(1)} ms)`,
    );
  } else if (c.fromZeroNpm && !c.fromZeroNpm.measured) {
    row(
      "Cold start from zero of a Hono app from npm, ms",
      `not measured: ${c.fromZeroNpm.why}`,
      NA,
      NA,
      NA,
      "",
    );
  }
  row(
    "Memory a hello revision with 1 idle instance adds (RSS of the platform's child processes), MiB " +
      "(bare = a deno process + 1 idle worker)",
    `${num(m.one.addedRssMb)} (${m.one.childrenAfter - m.one.childrenBefore} process(es), ` +
      `${m.one.isolatesAfter - m.one.isolatesBefore} isolate(s) added)`,
    num(m.bare.withOneWorkerRssMb),
    NA,
    ratio(m.one.addedRssMb, m.bare.withOneWorkerRssMb),
    "",
  );
  const ten = perInstanceAtTen(r);
  row(
    `Memory per extra idle instance (N=1 → ${m.ten.minScale}), MiB`,
    ten.mb !== undefined
      ? `${num(ten.mb)} (N=10 added ${m.ten.childrenAfter - m.ten.childrenBefore} process(es), ` +
        `${m.ten.isolatesAfter - m.ten.isolatesBefore} isolates)`
      : ten.why!,
    num(m.bare.perExtraWorkerMb),
    NA,
    ten.mb !== undefined ? ratio(ten.mb, m.bare.perExtraWorkerMb) : NA,
    ten.mb !== undefined ? `≤ 10 — ${met(ten.mb <= 10)}` : "≤ 10",
  );
  row(
    "Isolate heap (heapUsed) of an idle hello, MiB",
    m.isolateHeap,
    num(m.bare.workerHeapUsedMb),
    NA,
    NA,
    "",
  );
  row("Platform main process RSS (router, admin, supervisor), MiB", num(m.platformMainRssMb), NA, NA, NA, "");
  lines.push(
    "",
    "notMeasured" in t.floors
      ? `Relay floors (reference rows): ${t.floors.notMeasured}.`
      : "Relay floors (reference rows, not Denative): a bare `Deno.serve` hello that first sends an 8-byte frame " +
        "to a child deno process over a unix socket and back (the child relaying it through a worker of its " +
        "own in the second row) — no HTTP work beyond the hop, so the ceiling for any design that runs user " +
        "code in a child process, or in a worker inside one. Their figures stand in the Denative column; " +
        "÷ bare is theirs.",
  );
  return lines.join("\n");
}
