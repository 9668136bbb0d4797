/**
 * The `RabbitMQBroker` Broker class, as eventing-rabbitmq lays it out: an exchange per broker
 * (`knative-broker-{ns}-{name}`, durable fanout), a durable queue per trigger bound to it
 * (`knative-trigger-{ns}-{name}`, consumed with a prefetch of the trigger's
 * `rabbitmq.eventing.knative.dev/parallelism`), and dead letters through RabbitMQ: an event whose
 * attempts ran out is published, with the `knativeerror*` extensions, to the broker's dead-letter
 * exchange, from which the trigger's dead-letter queue (`...-dlq`) delivers it to the dead-letter
 * sink (without one it stays in that queue). The ingress answers 202 once RabbitMQ confirmed the
 * event; each trigger filters in process with the same filters, delivers with the same delivery
 * code, publishes replies back into the broker, and acknowledges only after (at-least-once). The
 * connection comes from a Secret, as for RabbitmqSource (see `rabbitmq_connection_uri.ts`).
 */
// @ts-types="npm:@types/amqplib@^0.10.7"
import amqp from "amqplib";
import { ReconcileQueue, type Reconciler } from "../reconciler/reconcile_queue.ts";
import type { ResourceStore, WatchEvent } from "../store/resource_store.ts";
import type { Logger } from "../log.ts";
import type { CloudEvent } from "../eventing/cloudevents/cloudevent.ts";
import type { Clock } from "../eventing/delivery/clock.ts";
import { resolveDeliveryPolicy } from "../eventing/delivery/delivery_policy.ts";
import { mergeDelivery } from "../eventing/delivery/merge_delivery.ts";
import { withDeadLetterExtensions } from "../eventing/delivery/dead_letter.ts";
import { deliverEvent } from "../eventing/broker/deliver_event.ts";
import { replyWithTtl, withoutTtl } from "../eventing/broker/broker_ttl.ts";
import type { AppendRequest, AppendResult } from "../eventing/broker/commit_batcher.ts";
import type { TriggerIndex } from "../eventing/broker/trigger_index.ts";
import type { Broker } from "../eventing/broker/broker_resource.ts";
import type { Trigger } from "../eventing/broker/trigger_resource.ts";
import type { EventSender } from "../eventing/event_sender.ts";
import type { BrokerClassController } from "../eventing/broker/broker_class_plugin.ts";
import type { SubscriptionCheck } from "../eventing/broker/trigger_status.ts";
import type { Condition } from "../resources/meta.ts";
import { type ConnectionState, SourceConfigError } from "../eventing/sources/queue/queue_connection.ts";
import { QueueSourceRunner } from "../eventing/sources/queue/queue_source_runner.ts";
import { rabbitmqUri } from "./rabbitmq_connection_uri.ts";
import { AmqpEventQueue, publishEvent } from "./amqp_event_queue.ts";
import {
  brokerExchange,
  clusterReferenceOf,
  deadLetterExchange,
  deadLetterQueue,
  isRabbitmqClass,
  parallelismOfTrigger,
  type RabbitmqBrokerConfig,
  triggerQueue,
} from "./rabbitmq_broker_spec.ts";

const CONNECT_TIMEOUT_MS = 2_000;
const PROBE_EVERY_MS = 2_000;
/** Waits before trying a held message again, ms. */
const HOLD_MS = { first: 500, max: 10_000 };

export interface RabbitmqBrokerControllerDeps {
  store: ResourceStore;
  index: TriggerIndex;
  sender: EventSender;
  clock: Clock;
  log: Logger;
  /** A broker's connection state changed: its status (and its triggers') is due. */
  changed(kind: "Broker" | "Trigger", namespace: string, name: string): void;
}

/** What the broker status shows of a RabbitMQ-class broker. */
export interface RabbitmqBrokerFacts {
  state: ConnectionState;
}

interface BrokerEntry {
  uri?: string;
  connection?: amqp.ChannelModel;
  channel?: amqp.ConfirmChannel;
  connecting?: Promise<amqp.ConfirmChannel>;
  state: ConnectionState;
}

const keyOf = (ns: string, name: string) => `${ns}/${name}`;

/** The one key of the trigger runners' reconcile: each run matches every runner to the store. */
const TRIGGERS = "triggers";

export class RabbitmqBrokerController implements Reconciler, BrokerClassController {
  #brokers = new Map<string, BrokerEntry>();
  /** Trigger runners by trigger uid: its queue, and its dead-letter queue when it has a sink for it. */
  #runners = new Map<string, { generation: string; runners: QueueSourceRunner[] }>();
  #probe: ReturnType<typeof setInterval> | undefined;
  #stopped = false;
  #queue: ReconcileQueue;

  constructor(private readonly deps: RabbitmqBrokerControllerDeps) {
    this.#queue = new ReconcileQueue(this, { name: "rabbitmq-broker", log: deps.log, clock: deps.clock });
  }

  serves(namespace: string, name: string): boolean {
    return this.#brokers.has(keyOf(namespace, name));
  }

  brokerFacts(namespace: string, name: string): RabbitmqBrokerFacts | undefined {
    const entry = this.#brokers.get(keyOf(namespace, name));
    return entry ? { state: entry.state } : undefined;
  }

  /** A RabbitMQ-class broker's `IngressReady`: whether its connection (and exchanges) is up. */
  brokerConditions(broker: Broker): Condition[] | undefined {
    const facts = this.brokerFacts(broker.metadata.namespace, broker.metadata.name);
    return facts && isRabbitmqClass(broker) ? [ingressCondition(facts.state)] : undefined;
  }

  /** A trigger's `SubscriptionReady`: its queue is declared and consumed. */
  subscription(trigger: Trigger): SubscriptionCheck | undefined {
    const broker = this.#brokers.get(keyOf(trigger.metadata.namespace, trigger.spec.broker));
    if (!broker) return undefined;
    const runner = this.#runners.get(trigger.metadata.uid ?? "")?.runners[0];
    const state = runner?.connection;
    if (state?.state === "connected") return { ok: true };
    if (state?.state === "unreachable") {
      return { ok: false, reason: state.reason ?? "QueueNotReady", message: state.error };
    }
    return { ok: false, reason: "QueueNotReady", message: "declaring and consuming the trigger's queue" };
  }

  load() {
    for (const b of this.deps.store.list<Broker>("Broker")) if (isRabbitmqClass(b)) this.#track(b);
  }

  start() {
    this.reconcile();
    this.#probe = setInterval(() => this.#probeAll(), PROBE_EVERY_MS);
    this.#probeAll();
  }

  async stop() {
    this.#stopped = true;
    clearInterval(this.#probe);
    this.#queue.stop();
    const runners = [...this.#runners.values()].flatMap((r) => r.runners);
    this.#runners.clear();
    await Promise.all(runners.map((r) => r.stop()));
    for (const entry of this.#brokers.values()) await entry.connection?.close().catch(() => {});
  }

  onChange(e: WatchEvent) {
    const obj = e.object;
    if (obj.kind === "Broker") {
      const key = keyOf(obj.metadata.namespace, obj.metadata.name);
      if (e.type === "DELETED" || !isRabbitmqClass(obj)) {
        const entry = this.#brokers.get(key);
        this.#brokers.delete(key);
        entry?.connection?.close().catch(() => {});
      } else this.#track(obj as Broker);
    }
    if (["Broker", "Trigger", "Secret", "RabbitmqBrokerConfig"].includes(obj.kind) && !this.#stopped) {
      this.#queue.enqueue(TRIGGERS);
    }
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    const channel = await this.#publisher(request.namespace, request.broker);
    const exchange = brokerExchange(request.namespace, request.broker);
    await Promise.all(request.events.map((e) => publishEvent(channel, exchange, "", e)));
    return { stored: request.events.length, deliveries: 0 };
  }

  #track(broker: Broker) {
    const key = keyOf(broker.metadata.namespace, broker.metadata.name);
    if (!this.#brokers.has(key)) this.#brokers.set(key, { state: { state: "connecting" } });
  }

  /** The broker's AMQP URI from its config and Secret, or a configuration error. */
  #uriOf(namespace: string, name: string): string {
    const broker = this.deps.store.get<Broker>("Broker", namespace, name);
    if (!broker) throw new Error(`broker ${namespace}/${name} is gone`);
    const ref = clusterReferenceOf(
      broker as Broker & { spec?: { config?: Record<string, unknown> } },
      (ns, n) => this.deps.store.get<RabbitmqBrokerConfig>("RabbitmqBrokerConfig", ns, n),
    );
    if ("error" in ref) throw new SourceConfigError("ConfigNotFound", ref.error);
    const found = rabbitmqUri(ref, namespace, undefined, (ns, n) => this.deps.store.get("Secret", ns, n));
    if ("error" in found) throw new SourceConfigError("SecretNotFound", found.error);
    return found.uri;
  }

  /** The broker's publishing channel, connecting (and declaring its exchanges) when needed. */
  #publisher(namespace: string, name: string): Promise<amqp.ConfirmChannel> {
    const key = keyOf(namespace, name);
    const entry = this.#brokers.get(key);
    if (!entry) return Promise.reject(new Error(`broker ${key} is not a RabbitMQBroker`));
    if (entry.channel) return Promise.resolve(entry.channel);
    entry.connecting ??= (async () => {
      // Yield first: `finally` below must run after this promise is stored, even on a synchronous throw.
      await Promise.resolve();
      try {
        const connection = await amqp.connect(this.#uriOf(namespace, name), { timeout: CONNECT_TIMEOUT_MS });
        connection.on("error", () => {});
        const channel = await connection.createConfirmChannel();
        channel.on("error", () => {});
        await channel.assertExchange(brokerExchange(namespace, name), "fanout", { durable: true });
        await channel.assertExchange(deadLetterExchange(namespace, name), "direct", { durable: true });
        connection.once("close", () => {
          if (entry.connection !== connection) return;
          entry.connection = entry.channel = undefined;
          this.#setState(namespace, name, entry, { state: "unreachable", error: "the connection closed" });
        });
        entry.connection = connection;
        entry.channel = channel;
        this.#setState(namespace, name, entry, { state: "connected" });
        return channel;
      } catch (err) {
        const reason = err instanceof SourceConfigError ? err.reason : undefined;
        const error = (err as Error).message;
        this.#setState(
          namespace,
          name,
          entry,
          reason ? { state: "unreachable", error, reason } : { state: "unreachable", error },
        );
        throw err;
      } finally {
        entry.connecting = undefined;
      }
    })();
    return entry.connecting;
  }

  #setState(namespace: string, name: string, entry: BrokerEntry, state: ConnectionState) {
    if (JSON.stringify(state) === JSON.stringify(entry.state)) return;
    entry.state = state;
    this.deps.changed("Broker", namespace, name);
    for (const t of this.deps.index.ofBroker(namespace, name)) {
      this.deps.changed("Trigger", namespace, t.name);
    }
  }

  #probeAll() {
    for (const key of this.#brokers.keys()) {
      const [ns, name] = key.split("/");
      this.#publisher(ns, name).catch(() => {});
    }
  }

  /** Starts, restarts (new generation) and stops trigger runners to match the store. */
  reconcile() {
    if (this.#stopped) return;
    const wanted = new Set<string>();
    for (const key of this.#brokers.keys()) {
      const [ns, name] = key.split("/");
      for (const t of this.deps.index.ofBroker(ns, name)) {
        const broker = this.deps.store.get<Broker>("Broker", ns, name);
        const generation = `${t.trigger.metadata.generation}/${broker?.metadata.generation}`;
        wanted.add(t.uid);
        const running = this.#runners.get(t.uid);
        if (running?.generation === generation) continue;
        running?.runners.forEach((r) => r.stop().catch(() => {}));
        this.#runners.set(t.uid, { generation, runners: this.#start(t.trigger, broker) });
      }
    }
    for (const [uid, running] of this.#runners) {
      if (wanted.has(uid)) continue;
      this.#runners.delete(uid);
      running.runners.forEach((r) => r.stop().catch(() => {}));
    }
  }

  #start(trigger: Trigger, broker: Broker | undefined): QueueSourceRunner[] {
    const ns = trigger.metadata.namespace;
    const brokerName = trigger.spec.broker;
    const uid = trigger.metadata.uid!;
    const queue = triggerQueue(ns, trigger.metadata.name);
    const dlq = deadLetterQueue(ns, trigger.metadata.name);
    const policy = resolveDeliveryPolicy(mergeDelivery(trigger.spec.delivery, broker?.spec?.delivery));
    const parallelism = parallelismOfTrigger(trigger);
    const connect = async (consume: string, prefetch: number) => {
      const connection = await amqp.connect(this.#uriOf(ns, brokerName), { timeout: CONNECT_TIMEOUT_MS });
      connection.on("error", () => {});
      try {
        const channel = await connection.createConfirmChannel();
        channel.on("error", () => {});
        await channel.assertExchange(brokerExchange(ns, brokerName), "fanout", { durable: true });
        await channel.assertExchange(deadLetterExchange(ns, brokerName), "direct", { durable: true });
        await channel.assertQueue(queue, { durable: true });
        await channel.bindQueue(queue, brokerExchange(ns, brokerName), "");
        await channel.assertQueue(dlq, { durable: true });
        await channel.bindQueue(dlq, deadLetterExchange(ns, brokerName), queue);
        await channel.prefetch(prefetch);
        return new AmqpEventQueue(connection, channel, consume);
      } catch (err) {
        await connection.close().catch(() => {});
        throw err;
      }
    };
    let current: AmqpEventQueue | undefined;
    const common = {
      sender: this.deps.sender,
      clock: this.deps.clock,
      log: this.deps.log,
      onChange: () => this.deps.changed("Trigger", ns, trigger.metadata.name),
    };
    const main = new QueueSourceRunner({
      ...common,
      name: `rabbitmq trigger ${ns}/${trigger.metadata.name}`,
      maxInFlight: parallelism,
      connect: async () => (current = await connect(queue, parallelism)),
      deliver: (event, stop) =>
        untilDone(stop, this.deps.clock, async () => {
          if (!this.deps.index.matching(ns, brokerName, event).includes(uid)) return true;
          const subscriber = this.deps.sender.resolveSink(trigger.spec.subscriber, ns);
          const outcome = await deliverEvent({
            event: withoutTtl(event),
            subscriber,
            policy,
            clock: this.deps.clock,
            send: (url, e, opts) => this.deps.sender.send(url, e, opts),
          });
          const channel = current!.channel;
          if (outcome.kind === "delivered") {
            const reply = outcome.reply && replyWithTtl(outcome.reply, event);
            if (reply) await publishEvent(channel, brokerExchange(ns, brokerName), "", reply);
            return true;
          }
          if (outcome.kind === "dropped" && "error" in subscriber) return false; // held until it resolves
          // Attempts ran out: the dead letter goes through RabbitMQ, to the trigger's dead-letter queue.
          const failure = "failure" in outcome ? outcome.failure : undefined;
          const dead = failure ? withDeadLetterExtensions(event, failure) : event;
          await publishEvent(channel, deadLetterExchange(ns, brokerName), queue, dead);
          return true;
        }),
    });
    main.start();
    const runners = [main];
    if (policy.deadLetterSink) {
      const dls = policy.deadLetterSink;
      const deadLetters = new QueueSourceRunner({
        ...common,
        name: `rabbitmq trigger ${ns}/${trigger.metadata.name} dead letters`,
        maxInFlight: 1,
        connect: () => connect(dlq, 1),
        deliver: (event: CloudEvent, stop) =>
          untilDone(stop, this.deps.clock, async () => {
            const sink = this.deps.sender.resolveSink(dls, ns);
            if ("error" in sink) return false;
            const outcome = await deliverEvent({
              event,
              subscriber: sink,
              policy: { ...policy, deadLetterSink: undefined },
              clock: this.deps.clock,
              send: (url, e, opts) => this.deps.sender.send(url, e, opts),
            });
            return outcome.kind === "delivered";
          }),
      });
      deadLetters.start();
      runners.push(deadLetters);
    }
    return runners;
  }
}

/** Tries `attempt` until it is done (a held message stays unacknowledged meanwhile) or the runner stops. */
async function untilDone(stop: AbortSignal, clock: Clock, attempt: () => Promise<boolean>): Promise<boolean> {
  let wait = HOLD_MS.first;
  while (!stop.aborted) {
    if (await attempt()) return true;
    await clock.sleep(wait, stop);
    wait = Math.min(wait * 2, HOLD_MS.max);
  }
  return false;
}

/** The broker's `IngressReady` from its connection's state. */
export function ingressCondition(state: ConnectionState): Condition {
  if (state.state === "connected") return { type: "IngressReady", status: "True" };
  if (state.state === "connecting") {
    return {
      type: "IngressReady",
      status: "Unknown",
      reason: "Connecting",
      message: "connecting to RabbitMQ",
    };
  }
  return {
    type: "IngressReady",
    status: "False",
    reason: state.reason ?? "BrokerUnreachable",
    message: state.reason ? state.error : `RabbitMQ does not answer: ${state.error}`,
  };
}
