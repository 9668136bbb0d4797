/**
 * Runs every stored KafkaSource: one `SourceRunner` per source, replaced when its spec changes
 * (a new generation) and stopped when it is deleted; keeps each source's status current (sink,
 * connection) as the store and the runners change; and reports, for each source whose sink is a
 * Service, the instances its consumer lag calls for (the autoscaler takes the maximum of that and
 * its request-driven decision).
 */
import type { ResourceStore, WatchEvent } from "../store/resource_store.ts";
import type { ExternalDemand } from "../autoscaler/autoscaler_loop.ts";
import type { Clock } from "../eventing/delivery/clock.ts";
import type { EventSender } from "../eventing/event_sender.ts";
import { destinationOf } from "../eventing/sources/source_spec.ts";
import type { Logger } from "../log.ts";
import type { KafkaClients } from "./kafka_clients.ts";
import {
  consumerGroupOf,
  deliveryPolicyOf,
  type KafkaSource,
  lagThresholdOf,
  unsupportedNet,
} from "./kafka_source.ts";
import { connectionCheck, kafkaSourceStatus } from "./kafka_source_status.ts";
import { lagInstances } from "./consumer_lag.ts";
import type { DeliveryTarget } from "../eventing/delivery/record_delivery.ts";
import { SourceRunner } from "./source_runner.ts";
import { ReconcileQueue, type Reconciler } from "../reconciler/reconcile_queue.ts";

export interface KafkaSourceControllerDeps {
  store: ResourceStore;
  sender: EventSender;
  clients: KafkaClients;
  clock: Clock;
  log: Logger;
  now?: () => Date;
}

const SERVICE_API_VERSIONS = new Set(["serving.knative.dev/v1", "v1"]);
/** Changes to these kinds never change where a source's events go. */
const IRRELEVANT_KINDS = new Set(["Revision", "Configuration", "Route"]);

const keyOf = (ns: string, name: string) => `${ns}/${name}`;

export class KafkaSourceController implements Reconciler {
  #runners = new Map<string, SourceRunner>();
  /** Keys whose status to write. */
  #statuses: ReconcileQueue;
  #unwatch: () => void = () => {};
  #stopped = false;

  constructor(private readonly deps: KafkaSourceControllerDeps) {
    this.#statuses = new ReconcileQueue(this, { name: "kafkasource", log: deps.log, clock: deps.clock });
  }

  /** Starts a runner for every stored source and follows the store from now on. */
  start() {
    this.#unwatch = this.deps.store.watch((e) => this.#onChange(e));
    for (const source of this.deps.store.list<KafkaSource>("KafkaSource")) this.#replaceRunner(source);
  }

  async stop() {
    this.#stopped = true;
    this.#unwatch();
    this.#statuses.stop();
    const runners = [...this.#runners.values()];
    this.#runners.clear();
    await Promise.all(runners.map((r) => r.stop()));
  }

  /** The runner of a source, if it runs (tests and metrics). */
  runner(namespace: string, name: string): SourceRunner | undefined {
    return this.#runners.get(keyOf(namespace, name));
  }

  /** Instances each Service fed by a KafkaSource needs for that source's lag. */
  /** Prometheus text: each running source's delivered, dead-lettered and dropped event counts. */
  metrics(): string {
    const lines = [
      "# HELP denative_kafkasource_events_total Records a KafkaSource finished with, by result (since start)",
      "# TYPE denative_kafkasource_events_total counter",
    ];
    for (const [key, runner] of this.#runners) {
      const [namespace, name] = key.split("/");
      const c = runner.counters;
      for (
        const [result, n] of [["delivered", c.delivered], ["dead_lettered", c.deadLettered], [
          "dropped",
          c.dropped,
        ]]
      ) {
        lines.push(
          `denative_kafkasource_events_total{namespace="${namespace}",kafkasource="${name}",result="${result}"} ${n}`,
        );
      }
    }
    lines.push(
      "# HELP denative_kafkasource_lag Records in the source's topic partitions not yet consumed (last measured)",
      "# TYPE denative_kafkasource_lag gauge",
    );
    const now = this.deps.clock.now();
    for (const [key, runner] of this.#runners) {
      const [namespace, name] = key.split("/");
      const lag = runner.lag(now);
      if (lag) {
        lines.push(`denative_kafkasource_lag{namespace="${namespace}",kafkasource="${name}"} ${lag.total}`);
      }
    }
    return lines.join("\n") + "\n";
  }

  demand(): ExternalDemand[] {
    const now = this.deps.clock.now();
    const out: ExternalDemand[] = [];
    for (const runner of this.#runners.values()) {
      const { source } = runner;
      const ref = source.spec.sink.ref;
      if (!ref || ref.kind !== "Service" || !SERVICE_API_VERSIONS.has(ref.apiVersion)) continue;
      const lag = runner.lag(now);
      if (!lag) continue;
      const threshold = lagThresholdOf(source);
      out.push({
        namespace: ref.namespace ?? source.metadata.namespace,
        service: ref.name,
        instances: lagInstances(lag, threshold),
        reason: `consumer lag ${lag.total} of kafkasource ${source.metadata.name} ` +
          `(${threshold} per instance, at most one per partition: ${lag.partitions})`,
      });
    }
    return out;
  }

  #onChange(e: WatchEvent) {
    if (this.#stopped) return;
    const obj = e.object;
    if (obj.kind === "KafkaSource") {
      const key = keyOf(obj.metadata.namespace, obj.metadata.name);
      if (e.type === "DELETED") {
        this.#statuses.forget(key);
        this.#stopRunner(key);
      } else if (e.old?.metadata.generation !== obj.metadata.generation || !this.#runners.has(key)) {
        this.#replaceRunner(obj as KafkaSource);
      }
      return;
    }
    if (IRRELEVANT_KINDS.has(obj.kind)) return;
    for (const [key, runner] of this.#runners) {
      runner.invalidate();
      this.#statuses.enqueue(key);
    }
  }

  #replaceRunner(source: KafkaSource) {
    const key = keyOf(source.metadata.namespace, source.metadata.name);
    const previous = this.#stopRunner(key);
    if (!unsupportedNet(source)) {
      const runner = new SourceRunner(source, {
        client: this.deps.clients.get(source.spec.bootstrapServers),
        sender: this.deps.sender,
        clock: this.deps.clock,
        log: this.deps.log,
        target: (s) => this.#target(s),
        onChange: () => this.#statuses.enqueue(key),
      });
      this.#runners.set(key, runner);
      // The old member leaves first, so two generations never deliver side by side.
      previous.then(() => {
        if (!this.#stopped && this.#runners.get(key) === runner) runner.start();
      });
    }
    this.#statuses.enqueue(key);
  }

  #stopRunner(key: string): Promise<void> {
    const runner = this.#runners.get(key);
    if (!runner) return Promise.resolve();
    this.#runners.delete(key);
    return runner.stop().catch((err) => this.deps.log.warn(`stopping kafkasource ${key} failed: ${err}`));
  }

  #target(source: KafkaSource): DeliveryTarget {
    const ns = source.metadata.namespace;
    const policy = deliveryPolicyOf(source);
    const sink = this.deps.sender.resolveSink(destinationOf(source.spec.sink), ns);
    const target: DeliveryTarget = { sink, policy };
    if (policy.deadLetterSink) target.deadLetter = this.deps.sender.resolveSink(policy.deadLetterSink, ns);
    return target;
  }

  /** Writes a source's status from the store and its runner. */
  reconcile(key: string) {
    if (this.#stopped) return;
    const [namespace, name] = key.split("/");
    const source = this.deps.store.get<KafkaSource>("KafkaSource", namespace, name);
    if (!source) return;
    const runner = this.#runners.get(key);
    const status = kafkaSourceStatus({
      previous: source.status,
      generation: source.metadata.generation,
      sink: this.deps.sender.resolveSink(destinationOf(source.spec.sink), namespace),
      connection: connectionCheck(runner?.connection, source.spec.bootstrapServers, unsupportedNet(source)),
      consumerGroup: consumerGroupOf(source),
      now: (this.deps.now ?? (() => new Date()))(),
    });
    this.deps.store.updateStatus("KafkaSource", namespace, name, status);
  }
}
