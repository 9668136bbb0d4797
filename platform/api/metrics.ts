/** Prometheus text exposition of what the platform knows about its revisions. */
import type { Supervisor } from "../supervisor/supervisor.ts";

export function renderMetrics(supervisor: Supervisor): string {
  const lines: string[] = [];
  const gauge = (name: string, help: string, values: [Record<string, string>, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, v] of values) {
      const l = Object.entries(labels).map(([k, val]) => `${k}="${val.replace(/["\\\n]/g, "_")}"`).join(",");
      lines.push(`${name}{${l}} ${v}`);
    }
  };
  const pools = supervisor.pools();
  const label = (p: (typeof pools)[number]) => ({
    namespace: p.spec.namespace,
    service: p.spec.service,
    revision: p.spec.revision,
  });
  gauge(
    "denative_revision_ready_instances",
    "Instances serving requests",
    pools.map((p) => [label(p), p.readyCount]),
  );
  gauge(
    "denative_revision_desired_instances",
    "Instances the revision should have",
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
  return lines.join("\n") + "\n";
}
