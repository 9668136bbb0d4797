/**
 * Broker throughput end to end to a function: events POSTed to a durable Broker's ingress (batched
 * mode, a few requests in flight) until the subscribed function has seen every one, counting
 * losses and duplicates; and the delivery latency of single events sent one at a time.
 */
import { FIXTURES, type Platform, serviceDoc } from "../test/harness.ts";
import { percentile } from "./stats.ts";

export interface BrokerBench {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  lost: number;
  duplicates: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencySamples: number;
}

const EVENTING = "/apis/eventing.knative.dev/v1/namespaces/default";

interface Counts {
  received: number;
  distinct: number;
  latencies: number[];
}

async function put(platform: Platform, path: string, doc: unknown) {
  await platform.adminJson(path, {
    method: "PUT",
    body: JSON.stringify(doc),
    headers: { "content-type": "application/json" },
  });
}

async function counts(platform: Platform): Promise<Counts> {
  return await (await platform.call("counter")).json();
}

export async function measureBroker(
  platform: Platform,
  opts: { events: number; batch: number; inFlight: number; probes: number },
): Promise<BrokerBench> {
  const image = await platform.uploadBundle(`${FIXTURES}/event_counter`);
  await platform.putService(serviceDoc("counter", image, {
    // One instance: the counts live in its memory.
    annotations: { "autoscaling.knative.dev/min-scale": "1", "autoscaling.knative.dev/max-scale": "1" },
  }));
  await platform.settled("counter");
  await put(platform, `${EVENTING}/brokers/bench`, {
    apiVersion: "eventing.knative.dev/v1",
    kind: "Broker",
    metadata: { name: "bench" },
  });
  await put(platform, `${EVENTING}/triggers/bench-counter`, {
    apiVersion: "eventing.knative.dev/v1",
    kind: "Trigger",
    metadata: { name: "bench-counter" },
    spec: {
      broker: "bench",
      filter: { attributes: { type: "bench.event" } },
      subscriber: { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "counter" } },
    },
  });
  const ingress = `http://127.0.0.1:${platform.port}/broker/default/bench`;
  await waitForIngress(ingress);

  // Throughput: every event must arrive; distinct ids tell losses from duplicates.
  await (await platform.call("counter", "/", { method: "DELETE" })).body?.cancel();
  const started = performance.now();
  let next = 0;
  const sender = async () => {
    while (next < opts.events) {
      const from = next;
      next = Math.min(opts.events, next + opts.batch);
      const batch = [];
      for (let i = from; i < next; i++) {
        batch.push({ specversion: "1.0", id: `e-${i}`, source: "/bench", type: "bench.event", data: { i } });
      }
      const res = await fetch(ingress, {
        method: "POST",
        body: JSON.stringify(batch),
        headers: { "content-type": "application/cloudevents-batch+json" },
      });
      await res.body?.cancel();
      if (res.status !== 202) throw new Error(`the broker ingress answered ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: opts.inFlight }, sender));
  let seen = await counts(platform);
  const deadline = Date.now() + 120_000;
  while (seen.distinct < opts.events && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    seen = await counts(platform);
  }
  const seconds = (performance.now() - started) / 1000;

  // Latency: one event at a time, timed from its `time` attribute to its arrival.
  const before = (await counts(platform)).latencies.length;
  for (let i = 0; i < opts.probes; i++) {
    const res = await fetch(ingress, {
      method: "POST",
      body: "{}",
      headers: {
        "content-type": "application/json",
        "ce-specversion": "1.0",
        "ce-id": `probe-${i}`,
        "ce-source": "/bench",
        "ce-type": "bench.event",
        "ce-probe": "1",
        "ce-time": new Date().toISOString(),
      },
    });
    await res.body?.cancel();
    await new Promise((r) => setTimeout(r, 10));
  }
  let latencies: number[] = [];
  const latencyDeadline = Date.now() + 10_000;
  while (latencies.length < opts.probes && Date.now() < latencyDeadline) {
    latencies = (await counts(platform)).latencies.slice(before);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    events: opts.events,
    seconds,
    eventsPerSecond: seen.distinct / seconds,
    lost: opts.events - seen.distinct,
    duplicates: seen.received - seen.distinct,
    latencyP50Ms: percentile(latencies, 50),
    latencyP99Ms: percentile(latencies, 99),
    latencySamples: latencies.length,
  };
}

async function waitForIngress(url: string) {
  for (let i = 0; i < 100; i++) {
    const res = await fetch(url, { method: "OPTIONS" });
    await res.body?.cancel();
    if (res.ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the broker ingress ${url} never answered`);
}

export function renderBroker(b: BrokerBench): string {
  return [
    "",
    "| Eventing | Denative | Target |",
    "| --- | ---: | --- |",
    `| Broker → function throughput, events/s (${b.events} events, batched ingress) | ${
      Math.round(b.eventsPerSecond).toLocaleString("en-US")
    } | ≥ 5,000 — ${b.eventsPerSecond >= 5000 ? "met" : "missed"} |`,
    `| events lost / duplicated | ${b.lost} / ${b.duplicates} | 0 lost — ${
      b.lost === 0 ? "met" : "missed"
    } |`,
    `| Delivery latency p50 / p99, ms (${b.latencySamples} single events, ingress POST → function) | ${
      b.latencyP50Ms.toFixed(1)
    } / ${b.latencyP99Ms.toFixed(1)} | |`,
  ].join("\n");
}
