import { deepStrictEqual as assertEquals, equal, ok as assert } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import { type AppendRequest, CommitBatcher } from "./commit_batcher.ts";
import { Dispatcher } from "./dispatcher.ts";
import { type DeliveryRow, EventLog } from "./event_log.ts";
import { TriggerIndex } from "./trigger_index.ts";
import type { Trigger } from "./trigger_resource.ts";

const event = (id: string, type = "order.created"): CloudEvent => ({
  specversion: "1.0",
  id,
  source: "/shop",
  type,
  extensions: { knativebrokerttl: 255 },
});

function trigger(uid: string, filter?: Record<string, string>): Trigger {
  return {
    apiVersion: "eventing.knative.dev/v1",
    kind: "Trigger",
    metadata: { name: `t-${uid}`, namespace: "default", uid },
    spec: {
      broker: "default",
      subscriber: { uri: "http://example.com/" },
      filter: { attributes: filter ?? {} },
    },
  };
}

interface Setup {
  log: EventLog;
  batcher: CommitBatcher;
  dispatcher: Dispatcher;
  delivered: { uid: string; id: string }[];
  redelivered: string[];
  db: DatabaseSync;
}

/**
 * A broker core on a real SQLite database. `deliver` decides each delivery (default: immediate success);
 * `index` routes events to triggers.
 */
function setup(opts: {
  db?: DatabaseSync;
  index: TriggerIndex;
  deliver?: (row: DeliveryRow) => Promise<AppendRequest[]>;
  concurrency?: number;
  memoryLimit?: number;
  pageSize?: number;
}): Setup {
  const db = opts.db ?? new DatabaseSync(":memory:");
  const log = new EventLog(db);
  const delivered: Setup["delivered"] = [];
  const redelivered: string[] = [];
  // deno-lint-ignore prefer-const
  let dispatcher: Dispatcher;
  const batcher = new CommitBatcher(log, {
    fanout: (ns, broker, e) => opts.index.matching(ns, broker, e),
    committed: (rows) => dispatcher.offer(rows),
    now: () => 1000,
  });
  dispatcher = new Dispatcher({
    log,
    batcher,
    deliver: async (row) => {
      const replies = opts.deliver ? await opts.deliver(row) : [];
      delivered.push({ uid: row.triggerUid, id: row.event.id });
      return replies;
    },
    redelivering: (row) => redelivered.push(row.event.id),
    concurrency: opts.concurrency ?? 10,
    memoryLimit: opts.memoryLimit,
    pageSize: opts.pageSize,
  });
  return { log, batcher, dispatcher, delivered, redelivered, db };
}

async function settle(s: Setup) {
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 1));
    s.batcher.flush();
    await s.dispatcher.idle();
    if (s.log.pendingTriggers().length === 0) return;
  }
}

Deno.test("each matching trigger gets exactly its own delivery and the log empties", async () => {
  const index = new TriggerIndex();
  index.upsert(trigger("a", { type: "order.created" }));
  index.upsert(trigger("b"));
  index.upsert(trigger("c", { type: "order.shipped" }));
  const s = setup({ index });
  s.dispatcher.start();
  const result = await s.batcher.append({ namespace: "default", broker: "default", events: [event("1")] });
  assertEquals(result, { stored: 1, deliveries: 2 });
  await settle(s);
  assertEquals(s.delivered.map((d) => d.uid).sort(), ["a", "b"]);
  equal(s.log.eventCount(), 0);
});

Deno.test("an event no trigger wants is accepted without being stored", async () => {
  const index = new TriggerIndex();
  index.upsert(trigger("a", { type: "order.shipped" }));
  const s = setup({ index });
  const result = await s.batcher.append({ namespace: "default", broker: "default", events: [event("1")] });
  assertEquals(result, { stored: 0, deliveries: 0 });
  equal(s.log.eventCount(), 0);
});

Deno.test("an append resolves only once its event is committed to the log", async () => {
  const index = new TriggerIndex();
  index.upsert(trigger("a"));
  const s = setup({ index });
  const pending = s.batcher.append({ namespace: "default", broker: "default", events: [event("1")] });
  equal(s.log.eventCount(), 0);
  await pending;
  equal(s.log.eventCount(), 1);
});

Deno.test("a trigger never has more deliveries in flight than its concurrency", async () => {
  const index = new TriggerIndex();
  index.upsert(trigger("a"));
  let inFlight = 0;
  let peak = 0;
  const s = setup({
    index,
    concurrency: 3,
    deliver: async () => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return [];
    },
  });
  s.dispatcher.start();
  const events = Array.from({ length: 20 }, (_, i) => event(String(i)));
  await s.batcher.append({ namespace: "default", broker: "default", events });
  await settle(s);
  equal(s.delivered.length, 20);
  equal(peak, 3);
});

Deno.test("a lane past its memory limit pages the rest from the log, losing nothing", async () => {
  const index = new TriggerIndex();
  index.upsert(trigger("a"));
  const s = setup({ index, concurrency: 2, memoryLimit: 5, pageSize: 4 });
  s.dispatcher.start();
  for (let batch = 0; batch < 5; batch++) {
    const events = Array.from({ length: 7 }, (_, i) => event(`${batch}-${i}`));
    await s.batcher.append({ namespace: "default", broker: "default", events });
  }
  await settle(s);
  equal(s.delivered.length, 35);
  equal(new Set(s.delivered.map((d) => d.id)).size, 35);
});

Deno.test("deliveries left by a crashed run resume, and started ones count as redeliveries", async () => {
  const path = await Deno.makeTempFile({ suffix: ".db" });
  try {
    const index = new TriggerIndex();
    index.upsert(trigger("a"));
    index.upsert(trigger("b", { type: "order.shipped" }));
    // First run: two deliveries start and never finish (the process "dies").
    const first = setup({
      db: new DatabaseSync(path),
      index,
      concurrency: 2,
      deliver: () => new Promise(() => {}),
    });
    first.dispatcher.start();
    await first.batcher.append({
      namespace: "default",
      broker: "default",
      events: [event("1"), event("2"), event("3"), event("4", "order.shipped")],
    });
    await new Promise((r) => setTimeout(r, 5));
    first.batcher.flush();
    first.db.close();

    const second = setup({ db: new DatabaseSync(path), index });
    second.dispatcher.resume(second.log.pendingTriggers());
    second.dispatcher.start();
    await settle(second);
    assertEquals(second.delivered.map((d) => `${d.uid}:${d.id}`).sort(), ["a:1", "a:2", "a:3", "a:4", "b:4"]);
    // a:1 and a:2 (concurrency 2) and b:4 had started; a:3 and a:4 had not.
    assertEquals(second.redelivered.sort(), ["1", "2", "4"]);
    second.db.close();
  } finally {
    for (const file of [path, `${path}-wal`, `${path}-shm`]) await Deno.remove(file).catch(() => {});
  }
});

Deno.test("a reply is written with its delivery's completion and delivered in turn", async () => {
  const index = new TriggerIndex();
  index.upsert(trigger("orders", { type: "order.created" }));
  index.upsert(trigger("invoices", { type: "invoice.created" }));
  const s = setup({
    index,
    deliver: (row) =>
      Promise.resolve(
        row.event.type === "order.created"
          ? [{
            namespace: "default",
            broker: "default",
            events: [event(`inv-${row.event.id}`, "invoice.created")],
          }]
          : [],
      ),
  });
  s.dispatcher.start();
  await s.batcher.append({ namespace: "default", broker: "default", events: [event("1")] });
  await settle(s);
  assertEquals(s.delivered.map((d) => `${d.uid}:${d.id}`), ["orders:1", "invoices:inv-1"]);
});

Deno.test("deliveries held back until start are delivered once it starts", async () => {
  const index = new TriggerIndex();
  index.upsert(trigger("a"));
  const s = setup({ index });
  await s.batcher.append({ namespace: "default", broker: "default", events: [event("1")] });
  await new Promise((r) => setTimeout(r, 5));
  equal(s.delivered.length, 0);
  s.dispatcher.start();
  await settle(s);
  equal(s.delivered.length, 1);
});

Deno.test("a deleted trigger's waiting deliveries are dropped from the log", async () => {
  const index = new TriggerIndex();
  index.upsert(trigger("a"));
  index.upsert(trigger("b"));
  const s = setup({ index });
  await s.batcher.append({ namespace: "default", broker: "default", events: [event("1"), event("2")] });
  index.remove("a");
  s.dispatcher.removeTrigger("a");
  equal(s.log.dropTrigger("a"), 2);
  s.dispatcher.start();
  await settle(s);
  assertEquals(s.delivered.map((d) => d.uid), ["b", "b"]);
  equal(s.log.eventCount(), 0);
  assert(s.log.pendingTriggers().length === 0);
});
