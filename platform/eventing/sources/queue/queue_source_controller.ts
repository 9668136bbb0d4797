/**
 * Runs every stored source of one queue-backed kind (RedisStreamSource, RabbitmqSource,
 * NatsJetStreamSource): one runner per source, replaced when its spec changes and stopped when it
 * is deleted; keeps each source's status current; reports, for a source whose sink is a Service,
 * the instances its backlog calls for (`ceil(backlog / threshold)`, at most one per message in
 * flight; the autoscaler takes the maximum of that and its own decision); and renders `/metrics`.
 */
import type { ResourceStore, WatchEvent } from "../../../store/resource_store.ts";
import type { ExternalDemand } from "../../../autoscaler/autoscaler_loop.ts";
import type { KObject } from "../../../resources/meta.ts";
import type { Logger } from "../../../log.ts";
import type { Clock } from "../../delivery/clock.ts";
import type { DeliveryPolicy } from "../../delivery/delivery_policy.ts";
import type { EventSender } from "../../event_sender.ts";
import type { DeliveryTarget } from "../../delivery/record_delivery.ts";
import { CounterFamily, renderGauge } from "../../counter_family.ts";
import { destinationOf, type Sink } from "../source_spec.ts";
import type { SourceStatus } from "../source_status.ts";
import type { QueueConnector } from "./queue_connection.ts";
import { QueueSourceRunner } from "./queue_source_runner.ts";
import { queueConnectionCheck, queueSourceStatus } from "./queue_source_status.ts";
import { ReconcileQueue, type Reconciler } from "../../../reconciler/reconcile_queue.ts";

/** Backlog one instance of the fed Service is expected to absorb (as KafkaSource's lag threshold). */
export const BACKLOG_THRESHOLD_ANNOTATION = "autoscaling.denative.dev/lag-threshold";
export const DEFAULT_BACKLOG_THRESHOLD = 10;

export interface QueueSource extends KObject {
  spec: { sink: Sink; [k: string]: unknown };
  status?: SourceStatus;
}

/** What the controller needs to know of one kind. */
export interface QueueSourceKind<S extends QueueSource> {
  kind: string;
  /** Lowercase kind, the metrics label naming the source. */
  label: string;
  /** How to reach the source's server (it may read Secrets when it connects). */
  connector(source: S): QueueConnector;
  /** Human text naming the server, for status messages. */
  serverOf(source: S): string;
  maxInFlight(source: S): number;
  policy(source: S): DeliveryPolicy;
}

export interface QueueSourceControllerDeps {
  store: ResourceStore;
  sender: EventSender;
  clock: Clock;
  log: Logger;
  now?: () => Date;
}

const SERVICE_API_VERSIONS = new Set(["serving.knative.dev/v1", "v1"]);
const IRRELEVANT_KINDS = new Set(["Revision", "Configuration", "Route"]);
const keyOf = (ns: string, name: string) => `${ns}/${name}`;

export class QueueSourceController<S extends QueueSource> implements Reconciler {
  #runners = new Map<string, { source: S; runner: QueueSourceRunner; target?: DeliveryTarget }>();
  /** Keys whose status to write. */
  #statuses: ReconcileQueue;
  #unwatch: () => void = () => {};
  #stopped = false;
  #events: CounterFamily;

  constructor(private readonly kind: QueueSourceKind<S>, private readonly deps: QueueSourceControllerDeps) {
    this.#events = new CounterFamily(
      `denative_${kind.label}_events_total`,
      `Messages a ${kind.kind} finished with, by result, and redeliveries (since start)`,
    );
    this.#statuses = new ReconcileQueue(this, { name: kind.label, log: deps.log, clock: deps.clock });
  }

  start() {
    this.#unwatch = this.deps.store.watch((e) => this.#onChange(e));
    for (const source of this.deps.store.list<S>(this.kind.kind)) this.#replaceRunner(source);
  }

  async stop() {
    this.#stopped = true;
    this.#unwatch();
    this.#statuses.stop();
    const runners = [...this.#runners.values()];
    this.#runners.clear();
    await Promise.all(runners.map((r) => r.runner.stop()));
  }

  runner(namespace: string, name: string): QueueSourceRunner | undefined {
    return this.#runners.get(keyOf(namespace, name))?.runner;
  }

  demand(): ExternalDemand[] {
    const out: ExternalDemand[] = [];
    for (const { source, runner } of this.#runners.values()) {
      const ref = source.spec.sink.ref;
      if (!ref || ref.kind !== "Service" || !SERVICE_API_VERSIONS.has(ref.apiVersion)) continue;
      const backlog = runner.backlog;
      if (!backlog) continue;
      const threshold = backlogThresholdOf(source);
      const cap = this.kind.maxInFlight(source);
      out.push({
        namespace: ref.namespace ?? source.metadata.namespace,
        service: ref.name,
        instances: Math.min(cap, Math.ceil(backlog / threshold)),
        reason: `backlog ${backlog} of ${this.kind.label} ${source.metadata.name} ` +
          `(${threshold} per instance, at most ${cap})`,
      });
    }
    return out;
  }

  metrics(): string {
    const backlog: { labels: Record<string, string>; value: number }[] = [];
    const counts = new CounterFamily(this.#events.name, this.#events.help);
    for (const [key, { runner }] of this.#runners) {
      const [namespace, name] = key.split("/");
      const labels = { namespace, [this.kind.label]: name };
      const c = runner.counters;
      counts.add({ ...labels, result: "delivered" }, c.delivered);
      counts.add({ ...labels, result: "dead_lettered" }, c.deadLettered);
      counts.add({ ...labels, result: "dropped" }, c.dropped);
      counts.add({ ...labels, result: "redelivered" }, c.redelivered);
      if (runner.backlog !== undefined) backlog.push({ labels, value: runner.backlog });
    }
    return counts.render() +
      renderGauge(`denative_${this.kind.label}_backlog`, `Messages waiting for a ${this.kind.kind}`, backlog);
  }

  #onChange(e: WatchEvent) {
    if (this.#stopped) return;
    const obj = e.object;
    if (obj.kind === this.kind.kind) {
      const key = keyOf(obj.metadata.namespace, obj.metadata.name);
      if (e.type === "DELETED") {
        this.#statuses.forget(key);
        this.#stopRunner(key);
      } else if (e.old?.metadata.generation !== obj.metadata.generation || !this.#runners.has(key)) {
        this.#replaceRunner(obj as S);
      }
      return;
    }
    if (IRRELEVANT_KINDS.has(obj.kind)) return;
    for (const [key, entry] of this.#runners) {
      entry.target = undefined; // resolved again before the next message
      this.#statuses.enqueue(key);
    }
  }

  #replaceRunner(source: S) {
    const key = keyOf(source.metadata.namespace, source.metadata.name);
    const previous = this.#stopRunner(key);
    const runner = new QueueSourceRunner({
      name: `${this.kind.label} ${key}`,
      connect: this.kind.connector(source),
      maxInFlight: this.kind.maxInFlight(source),
      sender: this.deps.sender,
      clock: this.deps.clock,
      log: this.deps.log,
      target: () => this.#target(key),
      onChange: () => this.#statuses.enqueue(key),
    });
    this.#runners.set(key, { source, runner });
    // The old consumer leaves first, so two generations never deliver side by side.
    previous.then(() => {
      if (!this.#stopped && this.#runners.get(key)?.runner === runner) runner.start();
    });
    this.#statuses.enqueue(key);
  }

  #stopRunner(key: string): Promise<void> {
    const entry = this.#runners.get(key);
    if (!entry) return Promise.resolve();
    this.#runners.delete(key);
    return entry.runner.stop().catch((err) =>
      this.deps.log.warn(`stopping ${this.kind.label} ${key} failed: ${err}`)
    );
  }

  /** Where a source's messages go: resolved once, then again only after the store changed (not per message). */
  #target(key: string): DeliveryTarget {
    const entry = this.#runners.get(key);
    if (entry?.target) return entry.target;
    const [namespace, name] = key.split("/");
    const source = entry?.source ?? this.deps.store.get<S>(this.kind.kind, namespace, name)!;
    const policy = this.kind.policy(source);
    const sink = this.deps.sender.resolveSink(destinationOf(source.spec.sink), namespace);
    const target: DeliveryTarget = { sink, policy };
    if (policy.deadLetterSink) {
      target.deadLetter = this.deps.sender.resolveSink(policy.deadLetterSink, namespace);
    }
    if (entry) entry.target = target;
    return target;
  }

  /** Writes a source's status from the store and its runner. */
  reconcile(key: string) {
    if (this.#stopped) return;
    const [namespace, name] = key.split("/");
    const source = this.deps.store.get<S>(this.kind.kind, namespace, name);
    if (!source) return;
    const runner = this.#runners.get(key)?.runner;
    const status = queueSourceStatus({
      previous: source.status,
      generation: source.metadata.generation,
      sink: this.deps.sender.resolveSink(destinationOf(source.spec.sink), namespace),
      connection: queueConnectionCheck(runner?.connection, this.kind.serverOf(source)),
      now: (this.deps.now ?? (() => new Date()))(),
    });
    this.deps.store.updateStatus(this.kind.kind, namespace, name, status);
  }
}

export function backlogThresholdOf(source: KObject): number {
  const raw = source.metadata.annotations?.[BACKLOG_THRESHOLD_ANNOTATION];
  const n = Number(raw);
  return raw !== undefined && n > 0 ? n : DEFAULT_BACKLOG_THRESHOLD;
}
