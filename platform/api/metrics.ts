/** Prometheus text exposition of what the platform knows about its revisions and their scaling. */
import type { Supervisor } from "../supervisor/supervisor.ts";
import type { Autoscaler } from "../autoscaler/autoscaler_loop.ts";
import { Histogram } from "./histogram.ts";

type Labels = Record<string, string>;

/** Cold-start durations accumulate across scrapes, as a Prometheus histogram must. */
const coldStarts = new Map<string, { labels: Labels; histogram: Histogram }>();
const COLD_START_BUCKETS_MS = [5, 10, 15, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

export function renderMetrics(supervisor: Supervisor, autoscaler?: Autoscaler): string {
  const lines: string[] = [];
  const fmt = (labels: Labels) =>
    Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, "_")}"`).join(",");
  const gauge = (name: string, help: string, values: [Labels, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, v] of values) lines.push(`${name}{${fmt(labels)}} ${v}`);
  };
  const pools = supervisor.pools();
  const label = (p: (typeof pools)[number]) => ({
    namespace: p.spec.namespace,
    service: p.spec.service,
    revision: p.spec.revision,
  });
  for (const p of pools) {
    const key = `${p.spec.namespace}/${p.spec.revision}`;
    const entry = coldStarts.get(key) ??
      { labels: label(p), histogram: new Histogram(COLD_START_BUCKETS_MS) };
    coldStarts.set(key, entry);
    for (const ms of p.takeColdStarts()) entry.histogram.observe(ms);
  }
  gauge(
    "denative_revision_ready_instances",
    "Instances serving requests",
    pools.map((p) => [label(p), p.readyCount]),
  );
  gauge(
    "denative_revision_desired_instances",
    "Instances the pool is converging to",
    pools.map((p) => [label(p), p.desired]),
  );
  gauge(
    "denative_revision_requests_in_flight",
    "Requests being served",
    pools.map((p) => [label(p), p.inFlight]),
  );
  gauge(
    "denative_revision_requests_queued",
    "Requests waiting for an instance",
    pools.map((p) => [label(p), p.queued]),
  );
  gauge(
    "denative_revision_activator_in_path",
    "1 while the activator is in the request path (target-burst-capacity; always at zero), else 0",
    pools.map((p) => [label(p), p.activatorInPath ? 1 : 0]),
  );
  gauge(
    "denative_revision_heap_bytes",
    "V8 heap used by the revision's ready instances, summed (each isolate measures its own)",
    pools.map((p) => [label(p), p.usage().heapBytes]),
  );
  gauge(
    "denative_revision_instance_cpu_seconds",
    "CPU time the revision's ready instances have used so far, summed (per-thread measurement)",
    pools.map((p) => [label(p), p.usage().cpuMicros / 1e6]),
  );
  const scalers = autoscaler?.snapshot() ?? [];
  const sl = (s: (typeof scalers)[number]) => ({
    namespace: s.namespace,
    service: s.service,
    revision: s.revision,
  });
  gauge(
    "denative_autoscaler_desired_instances",
    "The autoscaler's last decision",
    scalers.map((s) => [sl(s), s.desired]),
  );
  gauge(
    "denative_autoscaler_panic_mode",
    "1 while the revision's autoscaler is in panic mode",
    scalers.map((s) => [sl(s), s.panicking ? 1 : 0]),
  );
  gauge(
    "denative_autoscaler_observed_concurrency",
    "Requests in flight or queued, last second",
    scalers.map((s) => [sl(s), s.observedConcurrency]),
  );
  gauge(
    "denative_autoscaler_observed_rps",
    "Requests per second, last second",
    scalers.map((s) => [sl(s), s.observedRps]),
  );
  gauge(
    "denative_autoscaler_stable_metric",
    "The scaling metric averaged over the stable window",
    scalers.map((s) => [{ ...sl(s), metric: s.metric }, s.observedStable]),
  );
  lines.push(
    "# HELP denative_cold_start_milliseconds Time from a request held at zero instances until an instance was ready",
    "# TYPE denative_cold_start_milliseconds histogram",
  );
  for (const { labels, histogram } of coldStarts.values()) {
    lines.push(...histogram.render("denative_cold_start_milliseconds", fmt(labels)));
  }
  return lines.join("\n") + "\n";
}
