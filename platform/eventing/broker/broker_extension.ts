/**
 * The Broker as a platform extension: the `brokers` and `triggers` kinds, the ingress on the data
 * port, and the reconciler that keeps statuses current. The default class is the durable broker
 * (`BrokerLog`: the event log in the node's SQLite database and the dispatcher that delivers it; in
 * cluster mode the log shared in PostgreSQL, delivered by whichever node claims each delivery); other
 * classes are plugged in (`broker_class_plugin.ts`: Kafka, RabbitMQBroker, from their transports' folders).
 * All share the trigger index, the delivery code and the metrics; the ingress hands each event to
 * its broker's class. `metrics()` gives the broker's Prometheus series.
 */
import type { ExtensionHandle, NodeParts, PlatformExtension } from "../../extension.ts";
import type { WatchEvent } from "../../store/resource_store.ts";
import { systemClock } from "../delivery/clock.ts";
import { EventSender } from "../event_sender.ts";
import { type Broker, isDefaultClass } from "./broker_resource.ts";
import { BrokerMetrics } from "./broker_metrics.ts";
import { BrokerReconciler } from "./broker_reconciler.ts";
import type { BrokerLog, BrokerLogHooks } from "./broker_log.ts";
import { ClusterBrokerLog } from "./cluster_broker_log.ts";
import { LocalBrokerLog } from "./local_broker_log.ts";
import { eventingKinds } from "./eventing_registry.ts";
import { mountIngress } from "./ingress.ts";
import { TriggerDelivery } from "./trigger_delivery.ts";
import { TriggerIndex } from "./trigger_index.ts";
import type { Trigger } from "./trigger_resource.ts";
import type { BrokerClass, BrokerClassController } from "./broker_class_plugin.ts";
import { CLUSTER_DEFAULTS } from "../../config.ts";
import postgres from "postgres";

/** Deliveries of one trigger in flight at once. */
export const TRIGGER_CONCURRENCY = 100;
/** How long a stopping node lets running deliveries finish, ms. */
const STOP_GRACE_MS = 5_000;

export interface BrokerHandle extends ExtensionHandle {
  /** Prometheus text exposition of the broker's counters. */
  metrics(): string;
}

/** The broker extension, serving the default class and the given plugged-in classes. */
export function brokerExtension(classes: readonly BrokerClass[]): PlatformExtension {
  return { name: "eventing-broker", create: (parts) => createBroker(parts, classes) };
}

export function createBroker(parts: NodeParts, classes: readonly BrokerClass[] = []): BrokerHandle {
  const { store } = parts;
  const log = parts.log.child("broker");
  const metrics = new BrokerMetrics();
  const sender = new EventSender(parts);
  const index = new TriggerIndex();
  const tracing = parts.tracing?.enabled ? parts.tracing : undefined;
  const delivery = new TriggerDelivery({ store, index, sender, metrics, clock: systemClock, log, tracing });
  const brokers = new Set<string>();
  const key = (ns: string, name: string) => `${ns}/${name}`;

  const hooks: BrokerLogHooks = {
    fanout: (ns, broker, event) => index.matching(ns, broker, event),
    known: (uid) => index.get(uid) !== undefined,
    deliver: (row) => delivery.deliver(row),
    redelivering: (row) => {
      const t = index.get(row.triggerUid);
      if (t) metrics.redelivery({ namespace: t.namespace, broker: t.broker, trigger: t.name });
    },
    log,
  };
  // Cluster mode: the log in the shared database, with a connection pool of its own (so heavy
  // eventing never delays the node's heartbeat).
  const clusterSql = parts.cluster
    ? postgres(parts.cluster.databaseUrl, { max: 4, onnotice: () => {} })
    : undefined;
  // deno-lint-ignore prefer-const
  let eventLog: BrokerLog;
  // deno-lint-ignore prefer-const
  let reconciler: BrokerReconciler;
  const plugged = classes.map((c) => ({
    name: c.name,
    controller: c.create({
      store,
      config: parts.config,
      index,
      sender,
      deliver: (uid, event, acceptedAt) =>
        delivery.deliver({ id: 0, eventSeq: 0, triggerUid: uid, started: false, acceptedAt, event }),
      changed: (kind, namespace, name) => reconciler.touch(kind, namespace, name),
      clock: systemClock,
      log,
    }),
  }));
  const controllers = plugged.map((c) => c.controller);
  const classOf = (ns: string, name: string): BrokerClassController | undefined =>
    controllers.find((c) => c.serves(ns, name));
  reconciler = new BrokerReconciler({
    store,
    sender,
    scheme: parts.scheme,
    listenHost: parts.config.host,
    now: () => new Date(),
    log,
    classes: plugged,
  });

  const indexTrigger = (trigger: Trigger) => {
    try {
      index.upsert(trigger);
    } catch (err) {
      log.error(`trigger ${trigger.metadata.namespace}/${trigger.metadata.name}: ${(err as Error).message}`);
    }
  };
  const forgetTrigger = (uid: string | undefined) => {
    if (!uid) return;
    index.remove(uid);
    delivery.forget(uid);
    eventLog.dropTrigger(uid);
  };

  // Triggers and brokers are known before the ingress takes its first event.
  for (const b of store.list<Broker>("Broker")) {
    if (isDefaultClass(b)) brokers.add(key(b.metadata.namespace, b.metadata.name));
  }
  for (const c of controllers) c.load();
  for (const t of store.list<Trigger>("Trigger")) indexTrigger(t);
  eventLog = parts.cluster && clusterSql
    ? new ClusterBrokerLog({
      sql: clusterSql,
      nodeName: parts.cluster.nodeName,
      hooks,
      triggers: () => [...index.all()].map((t) => t.uid),
      concurrency: TRIGGER_CONCURRENCY,
      claimMs: CLUSTER_DEFAULTS.brokerClaimMs,
      renewMs: CLUSTER_DEFAULTS.heartbeatIntervalMs,
      pollMs: CLUSTER_DEFAULTS.brokerPollMs,
      clock: systemClock,
    })
    : new LocalBrokerLog(store.db, hooks, TRIGGER_CONCURRENCY);

  const onChange = (e: WatchEvent) => {
    const obj = e.object;
    delivery.invalidate();
    if (obj.kind === "Broker") {
      const k = key(obj.metadata.namespace, obj.metadata.name);
      if (e.type !== "DELETED" && isDefaultClass(obj)) brokers.add(k);
      else brokers.delete(k);
    } else if (obj.kind === "Trigger") {
      if (e.type === "DELETED") forgetTrigger(obj.metadata.uid);
      else if (!index.get(obj.metadata.uid ?? "") || e.old?.metadata.generation !== obj.metadata.generation) {
        indexTrigger(obj as Trigger);
      }
    }
    for (const c of controllers) c.onChange(e);
    reconciler.onChange(e);
  };
  const unwatch = store.watch(onChange);

  return {
    kinds: eventingKinds(classes),
    mount: (app) =>
      mountIngress(app, {
        serves: (ns, name) => brokers.has(key(ns, name)) || classOf(ns, name) !== undefined,
        append: (request) =>
          classOf(request.namespace, request.broker)?.append(request) ?? eventLog.append(request),
        metrics,
        tracing,
        matching: (ns, broker, event) => index.matching(ns, broker, event).length,
      }),
    async start() {
      reconciler.resyncAll();
      await eventLog.start();
      for (const c of controllers) c.start();
    },
    async stop() {
      unwatch();
      reconciler.stop();
      await Promise.all([eventLog.stop(STOP_GRACE_MS), ...controllers.map((c) => c.stop())]);
      await clusterSql?.end({ timeout: 2 });
    },
    metrics() {
      const pending = eventLog.pendingCounts();
      return metrics.render(
        [...pending].flatMap(([uid, value]) => {
          const t = index.get(uid);
          return t ? [{ labels: { namespace: t.namespace, broker: t.broker, trigger: t.name }, value }] : [];
        }),
      );
    },
  };
}
