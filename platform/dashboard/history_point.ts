/**
 * One point of the dashboard's charts, derived from two scrapes of /metrics `dtSeconds` apart: rates
 * from counter deltas, latency quantiles from histogram bucket deltas, gauges as they are. Pure.
 */
import type { Sample } from "./prometheus_text.ts";

export interface RevisionPoint {
  /** Requests per second by status class. */
  rps2xx: number;
  rps3xx: number;
  rps4xx: number;
  rps5xx: number;
  /** Latency quantiles of the interval's requests, ms (null when there were none). */
  p50: number | null;
  p99: number | null;
  actual: number;
  desired: number;
  coldStarts: number;
  panic: number;
}

export interface EventingPoint {
  /** Events per second into a broker, or out of a trigger by result. */
  in: number;
  delivered: number;
  retried: number;
  deadLettered: number;
  /** KafkaSources: consumer lag. */
  lag: number | null;
}

export interface HistoryPoint {
  /** Epoch ms. */
  t: number;
  revisions: Record<string, RevisionPoint>;
  /** Keyed `Broker ns/name`, `Trigger ns/name`, `KafkaSource ns/name`. */
  eventing: Record<string, EventingPoint>;
}

type Index = Map<string, number>;

function index(samples: Sample[]): Index {
  const out: Index = new Map();
  for (const s of samples) {
    const key = `${s.name}|${JSON.stringify(Object.entries(s.labels).sort())}`;
    out.set(key, s.value);
  }
  return out;
}

function keyOf(s: Sample): string {
  return `${s.name}|${JSON.stringify(Object.entries(s.labels).sort())}`;
}

/** Counter growth since the previous scrape (a reset, e.g. a restart, counts from zero). */
function delta(prev: Index, s: Sample): number {
  const before = prev.get(keyOf(s)) ?? 0;
  return s.value >= before ? s.value - before : s.value;
}

/** The q-quantile of a histogram's bucket deltas (upper bounds), by linear interpolation inside the bucket. */
export function quantile(buckets: { le: number; count: number }[], q: number): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let prevLe = 0, prevCount = 0;
  for (const b of sorted) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return prevLe;
      const inBucket = b.count - prevCount;
      return inBucket <= 0 ? b.le : prevLe + (b.le - prevLe) * ((rank - prevCount) / inBucket);
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}

function emptyRevision(): RevisionPoint {
  return {
    rps2xx: 0,
    rps3xx: 0,
    rps4xx: 0,
    rps5xx: 0,
    p50: null,
    p99: null,
    actual: 0,
    desired: 0,
    coldStarts: 0,
    panic: 0,
  };
}

function emptyEventing(): EventingPoint {
  return { in: 0, delivered: 0, retried: 0, deadLettered: 0, lag: null };
}

export function historyPoint(prev: Sample[], cur: Sample[], dtSeconds: number, t: number): HistoryPoint {
  const before = index(prev);
  const revisions: Record<string, RevisionPoint> = {};
  const eventing: Record<string, EventingPoint> = {};
  const buckets = new Map<string, { le: number; count: number }[]>();
  const rev = (ns?: string, name?: string) => revisions[`${ns}/${name}`] ??= emptyRevision();
  const ev = (kind: string, ns?: string, name?: string) =>
    eventing[`${kind} ${ns}/${name}`] ??= emptyEventing();
  const attempts = new Map<string, number>();
  const finished = new Map<string, number>();
  const rate = (n: number) => dtSeconds > 0 ? n / dtSeconds : 0;
  for (const s of cur) {
    const l = s.labels;
    switch (s.name) {
      case "revision_request_count": {
        const cls = l.response_code_class as "2xx" | "3xx" | "4xx" | "5xx";
        const field = `rps${cls}` as keyof RevisionPoint;
        if (field in emptyRevision()) {
          (rev(l.namespace_name, l.revision_name)[field] as number) += rate(delta(before, s));
        }
        break;
      }
      case "revision_request_latencies_bucket": {
        const key = `${l.namespace_name}/${l.revision_name}`;
        const list = buckets.get(key) ?? [];
        list.push({ le: l.le === "+Inf" ? Infinity : Number(l.le), count: delta(before, s) });
        buckets.set(key, list);
        break;
      }
      case "autoscaler_actual_pods":
        rev(l.namespace_name, l.revision_name).actual = s.value;
        break;
      case "autoscaler_desired_pods":
        rev(l.namespace_name, l.revision_name).desired = s.value;
        break;
      case "autoscaler_panic_mode":
        rev(l.namespace_name, l.revision_name).panic = s.value;
        break;
      case "denative_cold_start_milliseconds_count":
        rev(l.namespace, l.revision).coldStarts += delta(before, s);
        break;
      case "denative_broker_events_accepted_total":
        ev("Broker", l.namespace, l.broker).in += rate(delta(before, s));
        break;
      case "denative_trigger_deliveries_total": {
        const e = ev("Trigger", l.namespace, l.trigger);
        const d = delta(before, s);
        if (l.result === "delivered") e.delivered += rate(d);
        if (l.result === "dead_lettered") e.deadLettered += rate(d);
        const key = `${l.namespace}/${l.trigger}`;
        finished.set(key, (finished.get(key) ?? 0) + d);
        break;
      }
      case "denative_trigger_delivery_attempts_total": {
        const key = `${l.namespace}/${l.trigger}`;
        attempts.set(key, (attempts.get(key) ?? 0) + delta(before, s));
        ev("Trigger", l.namespace, l.trigger);
        break;
      }
      case "denative_kafkasource_events_total":
        if (l.result === "delivered") {
          ev("KafkaSource", l.namespace, l.kafkasource).delivered += rate(delta(before, s));
        }
        if (l.result === "dead_lettered") {
          ev("KafkaSource", l.namespace, l.kafkasource).deadLettered += rate(delta(before, s));
        }
        break;
      case "denative_kafkasource_lag":
        ev("KafkaSource", l.namespace, l.kafkasource).lag = s.value;
        break;
    }
  }
  for (const [key, list] of buckets) {
    const [ns, name] = key.split("/");
    const r = rev(ns, name);
    r.p50 = quantile(list, 0.5);
    r.p99 = quantile(list, 0.99);
  }
  for (const [key, n] of attempts) {
    const [ns, name] = key.split("/");
    ev("Trigger", ns, name).retried = rate(Math.max(0, n - (finished.get(key) ?? 0)));
  }
  return { t, revisions, eventing };
}
