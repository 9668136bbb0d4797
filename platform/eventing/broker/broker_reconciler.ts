/**
 * Keeps Broker and Trigger statuses current: a broker's address and readiness, a trigger's
 * resolved subscriber and readiness. Reconciles run on a work queue, when the object changes, when
 * something they refer to (a Service, a Broker, any addressable sink) appears, goes or moves, and
 * when told (`touch`) that a fact changed (a plugged-in class's connection or topic, a trigger's
 * consumer).
 */
import type { Logger } from "../../log.ts";
import type { KObject } from "../../resources/meta.ts";
import type { UrlScheme } from "../../serving/builders.ts";
import { ReconcileQueue, type Reconciler } from "../../reconciler/reconcile_queue.ts";
import type { ResourceStore, WatchEvent } from "../../store/resource_store.ts";
import { mergeDelivery } from "../delivery/merge_delivery.ts";
import type { EventSender } from "../event_sender.ts";
import { brokerAddress } from "./broker_address.ts";
import type { Broker } from "./broker_resource.ts";
import { brokerStatus } from "./broker_status.ts";
import type { BrokerClassController } from "./broker_class_plugin.ts";
import type { Trigger } from "./trigger_resource.ts";
import { triggerStatus } from "./trigger_status.ts";

export interface BrokerReconcilerDeps {
  store: ResourceStore;
  sender: EventSender;
  scheme: UrlScheme;
  /** The data plane's listening host, for broker addresses. */
  listenHost?: string;
  now: () => Date;
  log: Logger;
  /** The plugged-in broker classes' controllers (their names, for the status of a class none serves). */
  classes?: readonly { name: string; controller: BrokerClassController }[];
}

export class BrokerReconciler implements Reconciler {
  readonly queue: ReconcileQueue;

  constructor(private readonly deps: BrokerReconcilerDeps) {
    this.queue = new ReconcileQueue(this, { name: "broker", log: deps.log });
  }

  resyncAll() {
    for (const b of this.deps.store.list("Broker")) this.#enqueue("Broker", b);
    for (const t of this.deps.store.list("Trigger")) this.#enqueue("Trigger", t);
  }

  onChange(e: WatchEvent) {
    const { kind, metadata } = e.object;
    if (kind === "Trigger") {
      this.#enqueue("Trigger", e.object);
      return;
    }
    if (kind === "Broker") {
      this.#enqueue("Broker", e.object);
      for (const t of this.deps.store.list<Trigger>("Trigger", metadata.namespace)) {
        if (t.spec.broker === metadata.name) this.#enqueue("Trigger", t);
      }
    }
    // A sink may have appeared, gone or moved: whatever refers to it resolves again.
    if (e.type !== "MODIFIED" || addressOf(e.object) !== addressOf(e.old)) this.resyncAll();
  }

  /** Reconciles an object again: something its status depends on changed. */
  touch(kind: "Broker" | "Trigger", namespace: string, name: string) {
    this.queue.enqueue(`${kind}/${namespace}/${name}`);
  }

  stop() {
    this.queue.stop();
  }

  #classes(): BrokerClassController[] {
    return (this.deps.classes ?? []).map((c) => c.controller);
  }

  #enqueue(kind: "Broker" | "Trigger", obj: KObject) {
    this.queue.enqueue(`${kind}/${obj.metadata.namespace}/${obj.metadata.name}`);
  }

  reconcile(key: string) {
    const [kind, namespace, name] = key.split("/");
    const { store, sender, scheme, now } = this.deps;
    if (kind === "Broker") {
      const broker = store.get<Broker>("Broker", namespace, name);
      if (!broker) return;
      const dls = broker.spec?.delivery?.deadLetterSink;
      const status = brokerStatus(broker, {
        address: brokerAddress(namespace, name, scheme, this.deps.listenHost),
        deadLetter: dls ? sender.resolveSink(dls, namespace) : undefined,
        classConditions: this.#classes().map((c) => c.brokerConditions(broker)).find((c) => c !== undefined),
        otherClasses: (this.deps.classes ?? []).map((c) => c.name),
      }, now());
      store.updateStatus<Broker>("Broker", namespace, name, status);
      return;
    }
    const trigger = store.get<Trigger>("Trigger", namespace, name);
    if (!trigger) return;
    const broker = store.get<Broker>("Broker", namespace, trigger.spec.broker);
    const dls = mergeDelivery(trigger.spec.delivery, broker?.spec?.delivery).deadLetterSink;
    const status = triggerStatus(trigger, {
      broker,
      subscriber: sender.resolveSink(trigger.spec.subscriber, namespace),
      deadLetter: dls ? sender.resolveSink(dls, namespace) : undefined,
      subscription: this.#classes().map((c) => c.subscription(trigger)).find((s) => s !== undefined),
    }, now());
    store.updateStatus<Trigger>("Trigger", namespace, name, status);
  }
}

function addressOf(obj: KObject | undefined): string | undefined {
  const status = obj?.status as { address?: { url?: string }; url?: string } | undefined;
  return status?.address?.url ?? status?.url;
}
