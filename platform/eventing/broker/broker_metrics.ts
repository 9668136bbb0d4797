/**
 * What the broker counts, in Prometheus text form: events accepted and refused at the ingress,
 * deliveries by outcome (dropped ones included, so a loss is visible), attempts, replies, TTL
 * expiries, redeliveries after a restart (possible duplicates), and delivery latency from
 * acceptance to the subscriber's answer.
 */
import { KnativeEventMetrics } from "../../metrics/event_metrics.ts";

export type DeliveryResult = "delivered" | "dead_lettered" | "dropped";

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

interface TriggerLabels {
  namespace: string;
  broker: string;
  trigger: string;
}

class Counter {
  readonly values = new Map<string, { labels: Record<string, string>; value: number }>();

  add(labels: Record<string, string>, n = 1) {
    const key = JSON.stringify(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += n;
    else this.values.set(key, { labels, value: n });
  }

  get(labels: Record<string, string>): number {
    return this.values.get(JSON.stringify(labels))?.value ?? 0;
  }
}

export class BrokerMetrics {
  /** The same events under Knative's metric names. */
  readonly knative = new KnativeEventMetrics();
  readonly accepted = new Counter();
  readonly rejected = new Counter();
  readonly ttlExpired = new Counter();
  readonly replies = new Counter();
  readonly deliveries = new Counter();
  readonly attempts = new Counter();
  readonly redeliveries = new Counter();
  #latency = new Map<string, { labels: TriggerLabels; buckets: number[]; sum: number; count: number }>();

  /** Events the ingress stored (or, matching no trigger, accepted without storing). */
  eventAccepted(namespace: string, broker: string, n: number) {
    this.accepted.add({ namespace, broker }, n);
  }

  eventRejected(namespace: string, broker: string, reason: "invalid" | "unavailable") {
    this.rejected.add({ namespace, broker, reason });
  }

  ttlExpiredEvent(namespace: string, broker: string) {
    this.ttlExpired.add({ namespace, broker });
  }

  reply(namespace: string, broker: string) {
    this.replies.add({ namespace, broker });
  }

  redelivery(labels: TriggerLabels) {
    this.redeliveries.add({ ...labels });
  }

  delivery(labels: TriggerLabels, result: DeliveryResult, attempts: number, latencySeconds: number) {
    this.deliveries.add({ ...labels, result });
    this.attempts.add({ ...labels }, attempts);
    const key = JSON.stringify(labels);
    let h = this.#latency.get(key);
    if (!h) {
      h = { labels, buckets: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.#latency.set(key, h);
    }
    LATENCY_BUCKETS.forEach((b, i) => {
      if (latencySeconds <= b) h.buckets[i]++;
    });
    h.sum += latencySeconds;
    h.count++;
  }

  /** Prometheus text exposition; `pending` gives the deliveries waiting per trigger. */
  render(pending: { labels: TriggerLabels; value: number }[] = []): string {
    const lines: string[] = [];
    const series = (name: string, help: string, type: string, counter: Counter) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const { labels, value } of counter.values.values()) lines.push(`${name}{${fmt(labels)}} ${value}`);
    };
    series(
      "denative_broker_events_accepted_total",
      "Events accepted by a broker's ingress",
      "counter",
      this.accepted,
    );
    series(
      "denative_broker_events_rejected_total",
      "Events refused by a broker's ingress",
      "counter",
      this.rejected,
    );
    series("denative_broker_replies_total", "Reply events put back into a broker", "counter", this.replies);
    series(
      "denative_broker_ttl_expired_total",
      "Events dropped because their knativebrokerttl ran out (reply loops)",
      "counter",
      this.ttlExpired,
    );
    series(
      "denative_trigger_deliveries_total",
      "Finished deliveries by result: delivered, dead_lettered or dropped (lost)",
      "counter",
      this.deliveries,
    );
    series(
      "denative_trigger_delivery_attempts_total",
      "Delivery attempts to subscribers",
      "counter",
      this.attempts,
    );
    series(
      "denative_trigger_redeliveries_total",
      "Deliveries started again after a restart: possible duplicates",
      "counter",
      this.redeliveries,
    );
    lines.push("# HELP denative_trigger_pending_deliveries Deliveries waiting in the broker's log");
    lines.push("# TYPE denative_trigger_pending_deliveries gauge");
    for (const p of pending) {
      lines.push(`denative_trigger_pending_deliveries{${fmt({ ...p.labels })}} ${p.value}`);
    }
    const h = "denative_trigger_delivery_latency_seconds";
    lines.push(
      `# HELP ${h} From acceptance by the broker to the end of the delivery`,
      `# TYPE ${h} histogram`,
    );
    for (const { labels, buckets, sum, count } of this.#latency.values()) {
      const l = fmt({ ...labels });
      LATENCY_BUCKETS.forEach((b, i) => lines.push(`${h}_bucket{${l},le="${b}"} ${buckets[i]}`));
      lines.push(
        `${h}_bucket{${l},le="+Inf"} ${count}`,
        `${h}_sum{${l}} ${sum}`,
        `${h}_count{${l}} ${count}`,
      );
    }
    return lines.join("\n") + "\n" + this.knative.render();
  }
}

function fmt(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, "_")}"`).join(",");
}
