/**
 * The autoscaler's state under Knative's names (`autoscaler_desired_pods`, `autoscaler_actual_pods`,
 * `autoscaler_requested_pods`, `autoscaler_panic_mode`, `autoscaler_stable_request_concurrency`,
 * `autoscaler_stable_requests_per_second`), labelled as Knative labels them.
 */
import type { Supervisor } from "../supervisor/supervisor.ts";
import type { Autoscaler } from "../autoscaler/autoscaler_loop.ts";
import { formatLabels } from "./revision_request_metrics.ts";

export function renderAutoscalerMetrics(supervisor: Supervisor, autoscaler?: Autoscaler): string {
  const lines: string[] = [];
  const gauge = (name: string, help: string, values: [Record<string, string>, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, v] of values) lines.push(`${name}{${formatLabels(labels)}} ${v}`);
  };
  const labels = (namespace: string, service: string, revision: string) => ({
    namespace_name: namespace,
    service_name: service,
    configuration_name: service,
    revision_name: revision,
  });
  const pools = supervisor.pools();
  const scalers = autoscaler?.snapshot() ?? [];
  gauge(
    "autoscaler_desired_pods",
    "Number of instances the autoscaler wants",
    scalers.map((s) => [labels(s.namespace, s.service, s.revision), s.desired]),
  );
  gauge(
    "autoscaler_requested_pods",
    "Number of instances the pool was asked to run",
    pools.map((p) => [labels(p.spec.namespace, p.spec.service, p.spec.revision), p.desired]),
  );
  gauge(
    "autoscaler_actual_pods",
    "Number of instances that serve",
    pools.map((p) => [labels(p.spec.namespace, p.spec.service, p.spec.revision), p.readyCount]),
  );
  gauge(
    "autoscaler_panic_mode",
    "1 if the autoscaler is in panic mode, else 0",
    scalers.map((s) => [labels(s.namespace, s.service, s.revision), s.panicking ? 1 : 0]),
  );
  gauge(
    "autoscaler_stable_request_concurrency",
    "Average requests in flight per observed period over the stable window",
    scalers.filter((s) => s.metric === "concurrency").map((s) => [
      labels(s.namespace, s.service, s.revision),
      s.observedStable,
    ]),
  );
  gauge(
    "autoscaler_stable_requests_per_second",
    "Average requests per second over the stable window",
    scalers.filter((s) => s.metric === "rps").map((
      s,
    ) => [labels(s.namespace, s.service, s.revision), s.observedStable]),
  );
  return lines.join("\n") + "\n";
}
