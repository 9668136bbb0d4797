/**
 * Request metrics under Knative's names (queue-proxy and activator), so Knative's Grafana dashboards
 * read Denative's /metrics: `revision_request_count` and `revision_request_latencies` (every request
 * a revision's pool answered), `revision_app_request_count` / `revision_app_request_latencies` (those an
 * instance served) and `activator_request_count` (those that went through the activator), with Knative's labels.
 * Fed by the supervisor's RequestDone reports.
 */
import { Histogram } from "../api/histogram.ts";
import type { RequestDone } from "../supervisor/pool_types.ts";
import type { RevisionRuntimeSpec } from "../supervisor/revision_runtime_spec.ts";

/** Knative's latency buckets (ms). */
const LATENCY_BUCKETS_MS = [
  5,
  10,
  20,
  40,
  60,
  80,
  100,
  150,
  200,
  250,
  300,
  350,
  400,
  450,
  500,
  600,
  700,
  800,
  900,
  1000,
  2000,
  5000,
  10000,
  20000,
  50000,
  100000,
];

type Labels = Record<string, string>;

/** Series of one metric, found by a cheap key (this runs once per request); labels are made once per series. */
class Family<T> {
  readonly series = new Map<string, { labels: Labels; value: T }>();
  constructor(private readonly make: () => T) {}
  at(key: string, labels: () => Labels): T {
    let s = this.series.get(key);
    if (!s) this.series.set(key, s = { labels: labels(), value: this.make() });
    return s.value;
  }
}

export function formatLabels(labels: Labels): string {
  return Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, "_")}"`).join(",");
}

interface RevisionSeries {
  key: string;
  latency?: Histogram;
  appLatency?: Histogram;
  codes: Map<number, CodeSeries>;
}

/** A revision's counters for one response code, made when first counted (a series at 0 is not shown). */
interface CodeSeries {
  key: string;
  count?: { n: number };
  app?: { n: number };
  activator?: { n: number };
}

function baseLabels(spec: RevisionRuntimeSpec): Labels {
  return {
    namespace_name: spec.namespace,
    service_name: spec.service,
    configuration_name: spec.service,
    revision_name: spec.revision,
  };
}

function codeLabels(spec: RevisionRuntimeSpec, status: number): Labels {
  return {
    ...baseLabels(spec),
    response_code: String(status),
    response_code_class: `${Math.floor(status / 100)}xx`,
  };
}

export class RevisionRequestMetrics {
  #count = new Family(() => ({ n: 0 }));
  #appCount = new Family(() => ({ n: 0 }));
  #activatorCount = new Family(() => ({ n: 0 }));
  #latency = new Family(() => new Histogram(LATENCY_BUCKETS_MS));
  #appLatency = new Family(() => new Histogram(LATENCY_BUCKETS_MS));

  /** Each revision's series, found without building a key (this runs once per request). */
  #byRevision = new WeakMap<RevisionRuntimeSpec, RevisionSeries>();

  observe(spec: RevisionRuntimeSpec, done: RequestDone) {
    let rev = this.#byRevision.get(spec);
    if (!rev) {
      this.#byRevision.set(spec, rev = { key: `${spec.namespace}/${spec.revision}`, codes: new Map() });
    }
    let code = rev.codes.get(done.status);
    if (!code) rev.codes.set(done.status, code = { key: `${rev.key} ${done.status}` });
    const { key } = rev;
    const codeKey = code.key;
    (code.count ??= this.#count.at(codeKey, () => codeLabels(spec, done.status))).n++;
    (rev.latency ??= this.#latency.at(key, () => baseLabels(spec))).observe(done.durationMs);
    if (done.instance !== undefined) {
      (code.app ??= this.#appCount.at(codeKey, () => codeLabels(spec, done.status))).n++;
      (rev.appLatency ??= this.#appLatency.at(key, () => baseLabels(spec))).observe(
        done.durationMs - done.waitMs,
      );
    }
    if (done.viaActivator) {
      (code.activator ??= this.#activatorCount.at(codeKey, () => codeLabels(spec, done.status))).n++;
    }
  }

  render(): string {
    const lines: string[] = [];
    const counter = (name: string, help: string, family: Family<{ n: number }>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const { labels, value } of family.series.values()) {
        lines.push(`${name}{${formatLabels(labels)}} ${value.n}`);
      }
    };
    const histogram = (name: string, help: string, family: Family<Histogram>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
      for (const { labels, value } of family.series.values()) {
        lines.push(...value.render(name, formatLabels(labels)));
      }
    };
    counter("revision_request_count", "The number of requests routed to the revision", this.#count);
    histogram(
      "revision_request_latencies",
      "The response time of requests to the revision, ms",
      this.#latency,
    );
    counter(
      "revision_app_request_count",
      "The number of requests an instance of the revision served",
      this.#appCount,
    );
    histogram(
      "revision_app_request_latencies",
      "The time an instance took to answer (activator wait excluded), ms",
      this.#appLatency,
    );
    counter(
      "activator_request_count",
      "Requests that went through the activator (held, or admitted while it was in the path)",
      this.#activatorCount,
    );
    return lines.join("\n") + "\n";
  }
}
