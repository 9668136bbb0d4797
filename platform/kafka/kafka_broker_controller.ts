/**
 * The Kafka-class brokers of a node and their triggers. For each broker: its cluster and topic
 * (created when missing, unless it is an external topic), checked every couple of seconds so its
 * status follows the cluster (`BrokerUnreachable` while Kafka does not answer, Ready again when it
 * does), and the ingress's `append`, which produces the events in the Kafka binding's binary mode
 * and resolves only once Kafka acknowledged them. For each trigger of such a broker, once the
 * topic was found: a `KafkaTriggerRunner` in the trigger's own consumer group, replaced when its
 * plan changes (topic, cluster, delivery order, a trigger created again) and stopped with the
 * trigger or its broker.
 */
import { ReconcileQueue, type Reconciler } from "../reconciler/reconcile_queue.ts";
import type { Logger } from "../log.ts";
import { BrokerUnreachableError } from "./kafka_client.ts";
import { clusterKey, type KafkaClients } from "./kafka_clients.ts";
import type { ResourceStore, WatchEvent } from "../store/resource_store.ts";
import type { CloudEvent } from "../eventing/cloudevents/cloudevent.ts";
import { encodeKafkaBinary } from "../eventing/cloudevents/kafka_encode.ts";
import type { Clock } from "../eventing/delivery/clock.ts";
import type { Broker } from "../eventing/broker/broker_resource.ts";
import type { AppendRequest, AppendResult } from "../eventing/broker/commit_batcher.ts";
import {
  deliveryOrderOf,
  isKafkaClass,
  type KafkaBrokerSettings,
  kafkaBrokerSettings,
  triggerGroup,
} from "./kafka_broker_spec.ts";
import {
  kafkaBrokerConditions,
  type KafkaBrokerFacts,
  type KafkaTopicState,
  type SubscriptionCheck,
  subscriptionCheck,
} from "./kafka_broker_status.ts";
import type { BrokerClassController } from "../eventing/broker/broker_class_plugin.ts";
import type { Condition } from "../resources/meta.ts";
import { triggerSince } from "./kafka_trigger_record.ts";
import { type KafkaTriggerPlan, KafkaTriggerRunner } from "./kafka_trigger_runner.ts";
import type { TriggerIndex } from "../eventing/broker/trigger_index.ts";
import type { Trigger } from "../eventing/broker/trigger_resource.ts";

/** Each Kafka-class broker's topic is checked this often, ms. */
export const KAFKA_BROKER_PROBE_MS = 2_000;

export interface KafkaBrokerControllerDeps {
  store: ResourceStore;
  clients: KafkaClients;
  /** The node's `--kafka-bootstrap-servers`, for brokers without their own. */
  defaultServers: readonly string[];
  index: TriggerIndex;
  /** Delivers an event to a trigger (by uid) with the broker's delivery code; its replies. */
  deliver(uid: string, event: CloudEvent, acceptedAt: number): Promise<AppendRequest[]>;
  /** Something a broker's or trigger's status depends on changed. */
  changed(kind: "Broker" | "Trigger", namespace: string, name: string): void;
  clock: Clock;
  log: Logger;
}

interface BrokerEntry {
  settings: KafkaBrokerSettings;
  topic: KafkaTopicState;
  /** The topic was found since the settings were last set: producing is tried, triggers run. */
  ready: boolean;
  checking: boolean;
}

interface RunnerEntry {
  runner: KafkaTriggerRunner;
  /** The plan and cluster the runner was made for. */
  signature: string;
}

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;

export class KafkaBrokerController implements Reconciler, BrokerClassController {
  #brokers = new Map<string, BrokerEntry>();
  #runners = new Map<string, RunnerEntry>();
  /** Triggers (`{namespace}/{name}`) whose runner to start, replace or stop. */
  #triggers: ReconcileQueue;
  #timer: ReturnType<typeof setInterval> | undefined;
  #started = false;
  #stopped = false;

  constructor(private readonly deps: KafkaBrokerControllerDeps) {
    this.#triggers = new ReconcileQueue(this, { name: "kafka-broker", log: deps.log, clock: deps.clock });
  }

  /** Loads the stored Kafka-class brokers, so the ingress knows them before the node serves. */
  load() {
    for (const broker of this.deps.store.list<Broker>("Broker")) {
      if (isKafkaClass(broker)) this.#track(broker);
    }
  }

  /** Checks every broker's topic (then every few seconds); triggers start once their topic is found. */
  start() {
    this.#started = true;
    for (const key of this.#brokers.keys()) this.#probe(key);
    this.#timer = setInterval(() => {
      for (const key of this.#brokers.keys()) this.#probe(key);
    }, KAFKA_BROKER_PROBE_MS);
  }

  async stop() {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#triggers.stop();
    const runners = [...this.#runners.values()];
    this.#runners.clear();
    await Promise.all(runners.map((r) => r.runner.stop()));
    await this.deps.clients.closeAll();
  }

  /** Whether `{namespace}/{name}` is a Kafka-class broker of this node. */
  serves(namespace: string, name: string): boolean {
    return this.#brokers.has(keyOf(namespace, name));
  }

  /** Produces events to the broker's topic; resolves once Kafka acknowledged every one of them. */
  async append(request: AppendRequest): Promise<AppendResult> {
    const entry = this.#brokers.get(keyOf(request.namespace, request.broker));
    if (!entry) throw new Error(`"${request.broker}" is not a Kafka-class broker`);
    const { topic, bootstrapServers } = entry.settings;
    if (!entry.ready) throw new Error(`the broker's topic "${topic}" is not ready (${entry.topic.kind})`);
    const records = request.events.map((event) => encodeKafkaBinary(event));
    try {
      await this.deps.clients.get(bootstrapServers).produce(topic, records);
    } catch (err) {
      if (err instanceof BrokerUnreachableError && entry.topic.kind !== "unreachable") {
        this.#setTopic(request.namespace, request.broker, entry, { kind: "unreachable", error: err.message });
      }
      throw err;
    }
    return { stored: request.events.length, deliveries: 0 };
  }

  /** The facts of a Kafka-class broker's status; undefined for a broker this controller does not keep. */
  brokerFacts(namespace: string, name: string): KafkaBrokerFacts | undefined {
    const entry = this.#brokers.get(keyOf(namespace, name));
    return entry && { settings: entry.settings, topic: entry.topic };
  }

  brokerConditions(broker: Broker): Condition[] | undefined {
    const facts = this.brokerFacts(broker.metadata.namespace, broker.metadata.name);
    return facts && isKafkaClass(broker) ? kafkaBrokerConditions(broker, facts) : undefined;
  }

  /** A trigger's `SubscriptionReady`; undefined when its broker is not a Kafka-class broker. */
  subscription(trigger: Trigger): SubscriptionCheck | undefined {
    const { namespace, name } = trigger.metadata;
    const entry = this.#brokers.get(keyOf(namespace, trigger.spec.broker));
    if (!entry) return undefined;
    const running = this.#runners.get(keyOf(namespace, name));
    const state = running?.runner.plan.uid === trigger.metadata.uid ? running?.runner.state : undefined;
    return subscriptionCheck(state, triggerGroup(namespace, name), entry.settings.bootstrapServers);
  }

  /** The runner of a trigger, if it runs (tests and metrics). */
  runner(namespace: string, name: string): KafkaTriggerRunner | undefined {
    return this.#runners.get(keyOf(namespace, name))?.runner;
  }

  onChange(e: WatchEvent) {
    if (this.#stopped) return;
    const { kind, metadata } = e.object;
    if (kind === "Broker") {
      const key = keyOf(metadata.namespace, metadata.name);
      if (e.type !== "DELETED" && isKafkaClass(e.object)) this.#track(e.object as Broker);
      else if (this.#brokers.delete(key)) this.#syncBroker(metadata.namespace, metadata.name);
    } else if (kind === "Trigger") this.#triggers.enqueue(keyOf(metadata.namespace, metadata.name));
  }

  #track(broker: Broker) {
    const { namespace, name } = broker.metadata;
    const key = keyOf(namespace, name);
    const settings = kafkaBrokerSettings(broker, this.deps.defaultServers);
    const entry = this.#brokers.get(key);
    if (entry && JSON.stringify(entry.settings) === JSON.stringify(settings)) return;
    this.#brokers.set(key, { settings, topic: { kind: "unchecked" }, ready: false, checking: false });
    if (this.#started) {
      this.#syncBroker(namespace, name);
      this.#probe(key);
    }
  }

  async #probe(key: string) {
    const entry = this.#brokers.get(key);
    if (!entry || entry.checking) return;
    entry.checking = true;
    const { settings } = entry;
    let state: KafkaTopicState;
    try {
      state = await this.#checkTopic(settings);
    } finally {
      entry.checking = false;
    }
    if (this.#stopped || this.#brokers.get(key) !== entry) return;
    const [namespace, name] = key.split("/");
    this.#setTopic(namespace, name, entry, state);
  }

  async #checkTopic(settings: KafkaBrokerSettings): Promise<KafkaTopicState> {
    const { topic, create } = settings;
    const client = this.deps.clients.get(settings.bootstrapServers);
    let present: boolean;
    try {
      present = await client.topicExists(topic);
    } catch (err) {
      return { kind: "unreachable", error: (err as Error).message };
    }
    if (present) return { kind: "present" };
    if (!create) return { kind: "missing" };
    try {
      await client.createTopic(topic, create.partitions, create.replicationFactor);
      this.deps.log.info(`created topic ${topic} (${create.partitions} partition(s))`);
      return { kind: "present" };
    } catch (err) {
      const error = (err as Error).message;
      return err instanceof BrokerUnreachableError
        ? { kind: "unreachable", error }
        : { kind: "failed", error };
    }
  }

  #setTopic(namespace: string, name: string, entry: BrokerEntry, state: KafkaTopicState) {
    if (JSON.stringify(entry.topic) === JSON.stringify(state)) return;
    const wasReady = entry.ready;
    entry.topic = state;
    if (state.kind === "present") entry.ready = true;
    else if (state.kind === "missing") entry.ready = false;
    if (state.kind !== "present") {
      const why = "error" in state ? `: ${state.error}` : "";
      this.deps.log.warn(
        `kafka broker ${namespace}/${name}: topic ${entry.settings.topic} ${state.kind}${why}`,
      );
    }
    this.deps.changed("Broker", namespace, name);
    if (entry.ready !== wasReady) this.#syncBroker(namespace, name);
  }

  #syncBroker(namespace: string, broker: string) {
    for (const t of this.deps.store.list<Trigger>("Trigger", namespace)) {
      if (t.spec.broker === broker) this.#triggers.enqueue(keyOf(namespace, t.metadata.name));
    }
  }

  /** Starts, replaces or stops the trigger's runner to match the store; the old one leaves first. */
  reconcile(key: string) {
    if (this.#stopped || !this.#started) return;
    const [namespace, name] = key.split("/");
    const trigger = this.deps.store.get<Trigger>("Trigger", namespace, name);
    const planned = trigger ? this.#plan(trigger) : undefined;
    const current = this.#runners.get(key);
    if (current && planned && current.signature === planned.signature) return;
    if (!current && !planned) return;
    let previous = Promise.resolve();
    if (current) {
      this.#runners.delete(key);
      previous = current.runner.stop().catch((err) => this.deps.log.warn(`stopping ${key} failed: ${err}`));
    }
    if (planned) {
      const entry: RunnerEntry = {
        runner: this.#runner(planned.plan, planned.servers),
        signature: planned.signature,
      };
      this.#runners.set(key, entry);
      previous.then(() => {
        if (!this.#stopped && this.#runners.get(key) === entry) entry.runner.start();
      });
    }
    this.deps.changed("Trigger", namespace, name);
  }

  #plan(
    trigger: Trigger,
  ): { plan: KafkaTriggerPlan; servers: readonly string[]; signature: string } | undefined {
    const { namespace, name, uid } = trigger.metadata;
    const entry = this.#brokers.get(keyOf(namespace, trigger.spec.broker));
    if (!entry?.ready || !uid) return undefined;
    const plan: KafkaTriggerPlan = {
      namespace,
      name,
      uid,
      topic: entry.settings.topic,
      groupId: triggerGroup(namespace, name),
      order: deliveryOrderOf(trigger),
      since: triggerSince(trigger.metadata.creationTimestamp),
    };
    const servers = entry.settings.bootstrapServers;
    return { plan, servers, signature: JSON.stringify([plan, clusterKey(servers)]) };
  }

  #runner(plan: KafkaTriggerPlan, servers: readonly string[]): KafkaTriggerRunner {
    return new KafkaTriggerRunner(plan, {
      client: this.deps.clients.get(servers),
      clock: this.deps.clock,
      log: this.deps.log,
      filter: () => this.deps.index.get(plan.uid)?.matches,
      deliver: (event, acceptedAt) => this.deps.deliver(plan.uid, event, acceptedAt),
      reply: (request) => this.append(request),
      onChange: () => this.deps.changed("Trigger", plan.namespace, plan.name),
    });
  }
}
