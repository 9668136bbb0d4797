/**
 * One event of a channel to one subscription, as Knative's channel dispatcher does it: to the
 * subscriber with the delivery policy (the subscription's `delivery`, else the channel's); a reply
 * goes on to the `reply` destination with the same policy; a subscription without a subscriber
 * forwards the event to `reply` itself. An event (or a reply) whose attempts ran out goes to the
 * dead-letter sink. Resolutions are cached until the store changes.
 */
import type { ResourceStore } from "../../store/resource_store.ts";
import type { Logger } from "../../log.ts";
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import type { Clock } from "../delivery/clock.ts";
import { type DeliveryPolicy, resolveDeliveryPolicy } from "../delivery/delivery_policy.ts";
import { deliverEvent, type DeliveryOutcome } from "../broker/deliver_event.ts";
import type { EventSender, SinkResolution } from "../event_sender.ts";
import type { ChannelImplementation } from "./channel_resource.ts";
import type { Subscription } from "./subscription_resource.ts";
import type { DeliverySpec, Destination } from "../delivery/delivery_spec.ts";
import type { IndexedSubscription, SubscriptionIndex } from "./subscription_index.ts";

export type SubscriptionResult = "delivered" | "dead_lettered" | "dropped";

export interface SubscriptionDeliveryDeps {
  store: ResourceStore;
  index: SubscriptionIndex;
  sender: EventSender;
  clock: Clock;
  log: Logger;
  /** Counts each finished delivery. */
  counted?: (sub: IndexedSubscription, result: SubscriptionResult) => void;
}

export interface ResolvedSubscription {
  policy: DeliveryPolicy;
  subscriber?: SinkResolution;
  reply?: SinkResolution;
  deadLetter?: SinkResolution;
}

const RESULT: Record<DeliveryOutcome["kind"], SubscriptionResult> = {
  delivered: "delivered",
  "dead-lettered": "dead_lettered",
  dropped: "dropped",
};

export class SubscriptionDelivery {
  #version = 0;
  #cache = new Map<string, { version: number; sub: IndexedSubscription; resolved: ResolvedSubscription }>();

  constructor(private readonly deps: SubscriptionDeliveryDeps) {}

  invalidate() {
    this.#version++;
  }

  /** What a subscription's destinations resolve to now (also for its status). */
  resolve(sub: IndexedSubscription): ResolvedSubscription {
    const cached = this.#cache.get(sub.uid);
    if (cached && cached.version === this.#version && cached.sub === sub) return cached.resolved;
    const { kind, namespace, name } = sub.channel;
    const channel = this.deps.store.get<ChannelImplementation>(kind, namespace, name);
    const resolved = this.resolveSpec(sub.subscription, channel?.spec?.delivery);
    this.#cache.set(sub.uid, { version: this.#version, sub, resolved });
    return resolved;
  }

  /** Resolves a subscription's destinations; `channelDelivery` applies when it has no `delivery`. */
  resolveSpec(subscription: Subscription, channelDelivery?: DeliverySpec): ResolvedSubscription {
    const ns = subscription.metadata.namespace;
    const spec = subscription.spec;
    let policy: DeliveryPolicy;
    try {
      policy = resolveDeliveryPolicy(spec.delivery ?? channelDelivery ?? {});
    } catch {
      policy = resolveDeliveryPolicy({}); // validated when stored; stay safe with older objects
    }
    const resolved: ResolvedSubscription = { policy };
    if (spec.subscriber) resolved.subscriber = this.resolveDestination(spec.subscriber, ns);
    if (spec.reply) resolved.reply = this.resolveDestination(spec.reply, ns);
    if (policy.deadLetterSink) resolved.deadLetter = this.resolveDestination(policy.deadLetterSink, ns);
    return resolved;
  }

  resolveDestination(dest: Destination, namespace: string): SinkResolution {
    return this.deps.sender.resolveSink(dest, namespace);
  }

  forget(uid: string) {
    this.#cache.delete(uid);
  }

  /** Delivers `event`; resolves with how it ended (undefined: the subscription is gone). */
  async deliver(uid: string, event: CloudEvent): Promise<SubscriptionResult | undefined> {
    const sub = this.deps.index.get(uid);
    if (!sub) return undefined;
    const target = this.resolve(sub);
    const send = (url: string, e: CloudEvent, opts: { signal: AbortSignal; format?: "binary" | "json" }) =>
      this.deps.sender.send(url, e, opts);
    const common = { policy: target.policy, deadLetter: target.deadLetter, clock: this.deps.clock, send };
    let outcome: DeliveryOutcome;
    if (target.subscriber) {
      outcome = await deliverEvent({ ...common, event, subscriber: target.subscriber });
      if (outcome.kind === "delivered" && outcome.reply && target.reply) {
        outcome = await deliverEvent({ ...common, event: outcome.reply, subscriber: target.reply });
      }
    } else if (target.reply) {
      outcome = await deliverEvent({ ...common, event, subscriber: target.reply });
    } else {
      outcome = { kind: "delivered", attempts: 0 };
    }
    if (outcome.kind === "dropped") {
      this.deps.log.warn(
        `subscription ${sub.namespace}/${sub.name}: event ${event.id} dropped after ${outcome.attempts} ` +
          `attempt(s) (last status ${outcome.failure.status}): ${outcome.reason}`,
      );
    }
    const result = RESULT[outcome.kind];
    this.deps.counted?.(sub, result);
    return result;
  }
}
