/**
 * Keeps the KafkaSinks of a node: an in-memory copy for the ingress (no store read per event), each
 * sink's status (address at once, then whether its topic exists, creating it when the spec sizes
 * it), and a recheck every few seconds of the sinks whose topic was not found yet (so a sink whose
 * broker or topic comes later turns Ready by itself).
 */
import type { ResourceStore, WatchEvent } from "../store/resource_store.ts";
import type { Logger } from "../log.ts";
import type { KafkaClients } from "./kafka_clients.ts";
import type { KafkaClient } from "./kafka_client.ts";
import { type KafkaSink, kafkaSinkPath, topicToCreate, unsupportedAuth } from "./kafka_sink.ts";
import { kafkaSinkStatus, topicCheck, type TopicState } from "./kafka_sink_status.ts";
import { ReconcileQueue, type Reconciler } from "../reconciler/reconcile_queue.ts";

/** Sinks whose topic is not known to exist are checked again this often, ms. */
export const TOPIC_RECHECK_MS = 5_000;

export interface KafkaSinkControllerDeps {
  store: ResourceStore;
  clients: KafkaClients;
  /** The address of a sink (on the data port). */
  addressOf(path: string): string;
  log: Logger;
  now?: () => Date;
}

const keyOf = (ns: string, name: string) => `${ns}/${name}`;

export class KafkaSinkController implements Reconciler {
  #sinks = new Map<string, { sink: KafkaSink; topic: TopicState; checking: boolean }>();
  #timer: ReturnType<typeof setInterval> | undefined;
  /** Keys whose status to write (after the current store event has reached every watcher). */
  #statuses: ReconcileQueue;
  #unwatch: () => void = () => {};
  #stopped = false;

  constructor(private readonly deps: KafkaSinkControllerDeps) {
    this.#statuses = new ReconcileQueue(this, { name: "kafkasink", log: deps.log });
  }

  /** Loads the stored sinks, so the ingress knows them before the node serves; status waits for start(). */
  load() {
    for (const sink of this.deps.store.list<KafkaSink>("KafkaSink")) {
      this.#sinks.set(keyOf(sink.metadata.namespace, sink.metadata.name), {
        sink,
        topic: { kind: "unchecked" },
        checking: false,
      });
    }
    this.#unwatch = this.deps.store.watch((e) => this.#onChange(e));
  }

  /** Writes every sink's status (the data port is known now) and begins checking topics. */
  start() {
    for (const key of this.#sinks.keys()) {
      this.#statuses.enqueue(key);
      this.#check(key);
    }
    this.#timer = setInterval(() => {
      for (const [key, entry] of this.#sinks) if (entry.topic.kind !== "present") this.#check(key);
    }, TOPIC_RECHECK_MS);
  }

  stop() {
    this.#stopped = true;
    this.#unwatch();
    clearInterval(this.#timer);
    this.#statuses.stop();
  }

  sink(namespace: string, name: string): KafkaSink | undefined {
    return this.#sinks.get(keyOf(namespace, name))?.sink;
  }

  client(sink: KafkaSink): KafkaClient {
    return this.deps.clients.get(sink.spec.bootstrapServers);
  }

  #onChange(e: WatchEvent) {
    if (e.object.kind !== "KafkaSink" || this.#stopped) return;
    const key = keyOf(e.object.metadata.namespace, e.object.metadata.name);
    if (e.type === "DELETED") {
      this.#sinks.delete(key);
      this.#statuses.forget(key);
      return;
    }
    const changed = e.old?.metadata.generation !== e.object.metadata.generation || !this.#sinks.has(key);
    this.#track(e.object as KafkaSink, changed);
    if (changed && this.#timer !== undefined) this.#check(key);
  }

  #track(sink: KafkaSink, reset = true) {
    const key = keyOf(sink.metadata.namespace, sink.metadata.name);
    const entry = this.#sinks.get(key);
    if (entry && !reset) {
      entry.sink = sink;
      return;
    }
    this.#sinks.set(key, { sink, topic: { kind: "unchecked" }, checking: false });
    this.#statuses.enqueue(key);
  }

  async #check(key: string) {
    const entry = this.#sinks.get(key);
    if (!entry || entry.checking) return;
    entry.checking = true;
    const { sink } = entry;
    let state: TopicState;
    try {
      const client = this.client(sink);
      let present = await client.topicExists(sink.spec.topic);
      const create = topicToCreate(sink);
      if (!present && create) {
        await client.createTopic(sink.spec.topic, create.partitions, create.replicationFactor);
        this.deps.log.info(
          `kafkasink ${key}: created topic ${sink.spec.topic} (${create.partitions} partition(s))`,
        );
        present = true;
      }
      state = present ? { kind: "present" } : { kind: "missing" };
    } catch (err) {
      state = { kind: "unreachable", error: (err as Error).message };
    } finally {
      entry.checking = false;
    }
    const current = this.#sinks.get(key);
    if (this.#stopped || current !== entry || current.sink.metadata.generation !== sink.metadata.generation) {
      return;
    }
    entry.topic = state;
    this.#statuses.enqueue(key);
  }

  /** Writes a sink's status from the store and its topic check. */
  reconcile(key: string) {
    const entry = this.#sinks.get(key);
    if (!entry) return;
    const { namespace, name } = entry.sink.metadata;
    const stored = this.deps.store.get<KafkaSink>("KafkaSink", namespace, name);
    if (!stored) return;
    const status = kafkaSinkStatus({
      previous: stored.status,
      generation: stored.metadata.generation,
      address: this.deps.addressOf(kafkaSinkPath(namespace, name)),
      topic: topicCheck(entry.topic, stored.spec.topic, stored.spec.bootstrapServers),
      unsupportedAuth: unsupportedAuth(stored),
      now: (this.deps.now ?? (() => new Date()))(),
    });
    this.deps.store.updateStatus("KafkaSink", namespace, name, status);
  }
}
