import { equal, ok as assert } from "node:assert/strict";
import { BrokerMetrics } from "./broker_metrics.ts";

const T = { namespace: "default", broker: "default", trigger: "orders" };

Deno.test("dropped deliveries and redeliveries show in the exposition with their trigger", () => {
  const m = new BrokerMetrics();
  m.eventAccepted("default", "default", 3);
  m.delivery(T, "delivered", 1, 0.002);
  m.delivery(T, "dropped", 4, 1.5);
  m.redelivery(T);
  const text = m.render([{ labels: T, value: 7 }]);
  const line = (prefix: string) => text.split("\n").find((l) => l.startsWith(prefix));
  equal(
    line("denative_broker_events_accepted_total{"),
    'denative_broker_events_accepted_total{namespace="default",broker="default"} 3',
  );
  equal(
    line(
      'denative_trigger_deliveries_total{namespace="default",broker="default",trigger="orders",result="dropped"}',
    ),
    'denative_trigger_deliveries_total{namespace="default",broker="default",trigger="orders",result="dropped"} 1',
  );
  assert(
    text.includes(
      'denative_trigger_delivery_attempts_total{namespace="default",broker="default",trigger="orders"} 5',
    ),
  );
  assert(
    text.includes(
      'denative_trigger_redeliveries_total{namespace="default",broker="default",trigger="orders"} 1',
    ),
  );
  assert(
    text.includes(
      'denative_trigger_pending_deliveries{namespace="default",broker="default",trigger="orders"} 7',
    ),
  );
});

Deno.test("the latency histogram counts each delivery in every bucket at or above its latency", () => {
  const m = new BrokerMetrics();
  m.delivery(T, "delivered", 1, 0.004);
  m.delivery(T, "delivered", 1, 0.2);
  const text = m.render();
  const bucket = (le: string) =>
    Number(
      text.split("\n").find((l) => l.includes("_bucket{") && l.includes(`le="${le}"`))?.split(" ").pop(),
    );
  equal(bucket("0.0025"), 0);
  equal(bucket("0.005"), 1);
  equal(bucket("0.25"), 2);
  equal(bucket("+Inf"), 2);
  assert(text.includes("denative_trigger_delivery_latency_seconds_count{"));
});
