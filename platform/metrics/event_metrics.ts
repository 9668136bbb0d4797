/**
 * Eventing metrics under Knative's names: `event_count` (events a broker's ingress answered, by event
 * type and response code; events a trigger dispatched, by response code) and `event_dispatch_latencies`
 * (ms a trigger's dispatch took, attempts included), labelled as Knative's broker ingress and filter do.
 */
import { Histogram } from "../api/histogram.ts";
import { formatLabels } from "./revision_request_metrics.ts";

const DISPATCH_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

type Labels = Record<string, string>;

export class KnativeEventMetrics {
  #events = new Map<string, { labels: Labels; n: number }>();
  #latency = new Map<string, { labels: Labels; h: Histogram }>();

  /** The broker ingress answered `code` for an event of `eventType` ("" when it could not be read). */
  ingress(namespace: string, broker: string, eventType: string, code: number, n = 1) {
    this.#count({
      namespace_name: namespace,
      broker_name: broker,
      event_type: eventType,
      ...codeLabels(code),
      unique_name: "broker-ingress",
    }, n);
  }

  /** A trigger's dispatch ended with `code` (the subscriber's last answer; 0 when none came) after `ms`. */
  dispatched(namespace: string, broker: string, trigger: string, code: number, ms: number) {
    const base = { namespace_name: namespace, broker_name: broker, trigger_name: trigger };
    this.#count({ ...base, ...codeLabels(code), unique_name: "broker-filter" });
    const key = JSON.stringify(base);
    let entry = this.#latency.get(key);
    if (!entry) this.#latency.set(key, entry = { labels: base, h: new Histogram(DISPATCH_BUCKETS_MS) });
    entry.h.observe(ms);
  }

  render(): string {
    const lines = [
      "# HELP event_count Number of events received by a broker or dispatched by a trigger",
      "# TYPE event_count counter",
    ];
    for (const { labels, n } of this.#events.values()) {
      lines.push(`event_count{${formatLabels(labels)}} ${n}`);
    }
    lines.push(
      "# HELP event_dispatch_latencies The time spent dispatching an event to a trigger's subscriber, ms",
      "# TYPE event_dispatch_latencies histogram",
    );
    for (const { labels, h } of this.#latency.values()) {
      lines.push(...h.render("event_dispatch_latencies", formatLabels(labels)));
    }
    return lines.join("\n") + "\n";
  }

  #count(labels: Labels, n = 1) {
    const key = JSON.stringify(labels);
    const entry = this.#events.get(key);
    if (entry) entry.n += n;
    else this.#events.set(key, { labels, n });
  }
}

function codeLabels(code: number): Labels {
  return { response_code: String(code), response_code_class: code > 0 ? `${Math.floor(code / 100)}xx` : "" };
}
