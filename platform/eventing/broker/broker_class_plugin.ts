/**
 * A Broker class besides the default one (Kafka, RabbitMQBroker), plugged into the broker extension
 * by its transport's folder (platform/kafka/, platform/rabbitmq/; platform/extensions.ts wires them),
 * so that eventing/ never imports a transport. A class brings its checks of Broker and Trigger
 * documents, and a controller that stores the events of the brokers of that class and delivers them
 * to their triggers with the shared trigger delivery.
 */
import type { ServeConfig } from "../../config.ts";
import type { Logger } from "../../log.ts";
import type { Condition } from "../../resources/meta.ts";
import type { FieldError } from "../../resources/field_errors.ts";
import type { ResourceStore, WatchEvent } from "../../store/resource_store.ts";
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import type { Clock } from "../delivery/clock.ts";
import type { EventSender } from "../event_sender.ts";
import type { Broker } from "./broker_resource.ts";
import type { AppendRequest, AppendResult } from "./commit_batcher.ts";
import type { TriggerIndex } from "./trigger_index.ts";
import type { Trigger } from "./trigger_resource.ts";
import type { SubscriptionCheck } from "./trigger_status.ts";

/** What a class's controller gets from the broker extension. */
export interface BrokerClassContext {
  store: ResourceStore;
  config: ServeConfig;
  index: TriggerIndex;
  sender: EventSender;
  /** Delivers an event to a trigger (by uid) with the broker's delivery code; resolves with its replies. */
  deliver(triggerUid: string, event: CloudEvent, acceptedAt: number): Promise<AppendRequest[]>;
  /** Something a broker's or trigger's status depends on changed. */
  changed(kind: "Broker" | "Trigger", namespace: string, name: string): void;
  clock: Clock;
  log: Logger;
}

/** Runs the brokers of one class on a node. */
export interface BrokerClassController {
  /** Whether `{namespace}/{name}` is a broker of this class on this node (its ingress takes events). */
  serves(namespace: string, name: string): boolean;
  /** Stores events sent to a broker of this class; resolves once they are safe. */
  append(request: AppendRequest): Promise<AppendResult>;
  /** Loads the stored brokers, so the ingress knows them before the node serves. */
  load(): void;
  start(): void;
  stop(): Promise<void>;
  onChange(e: WatchEvent): void;
  /**
   * The class's own conditions of a broker it serves (beside `Addressable`, `DeadLetterSinkResolved`
   * and `Ready`; the default class has `IngressReady`), or undefined for a broker it does not serve.
   */
  brokerConditions(broker: Broker): Condition[] | undefined;
  /** A trigger's `SubscriptionReady`; undefined when its broker is not of this class. */
  subscription(trigger: Trigger): SubscriptionCheck | undefined;
}

export interface BrokerClass extends BrokerClassChecks {
  create(context: BrokerClassContext): BrokerClassController;
}

/** A class's checks of documents (the admin API runs them on every Broker and Trigger). */
export interface BrokerClassChecks {
  /** The `eventing.knative.dev/broker.class` annotation value it serves. */
  name: string;
  validateBroker?(broker: Broker): FieldError[];
  validateTrigger?(trigger: Trigger): FieldError[];
}
