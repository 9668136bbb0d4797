/**
 * Delivers one row of the broker's log to its trigger's subscriber: finds the trigger and its broker,
 * resolves subscriber and dead-letter sink, merges the delivery settings (trigger over broker),
 * runs the delivery and counts its result; a reply comes back as an event for the same broker with
 * its TTL decremented. Resolutions are cached until the resource store changes.
 */
import type { ResourceStore } from "../../store/resource_store.ts";
import type { Clock } from "../delivery/clock.ts";
import { type DeliveryPolicy, resolveDeliveryPolicy } from "../delivery/delivery_policy.ts";
import { mergeDelivery } from "../delivery/merge_delivery.ts";
import { DestinationRecovery } from "../delivery/destination_recovery.ts";
import type { EventSender, SinkResolution } from "../event_sender.ts";
import type { Broker } from "./broker_resource.ts";
import type { BrokerMetrics, DeliveryResult } from "./broker_metrics.ts";
import { replyWithTtl, withoutTtl } from "./broker_ttl.ts";
import type { AppendRequest } from "./commit_batcher.ts";
import { deliverEvent } from "./deliver_event.ts";
import type { DeliveryRow } from "./event_log.ts";
import type { IndexedTrigger, TriggerIndex } from "./trigger_index.ts";
import type { Logger } from "../../log.ts";
import { type Span, SpanKind, type Tracing } from "../../tracing/tracing.ts";
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import type { SendFn } from "./deliver_event.ts";

export interface TriggerDeliveryDeps {
  store: ResourceStore;
  index: TriggerIndex;
  sender: EventSender;
  metrics: BrokerMetrics;
  clock: Clock;
  log: Logger;
  /** When on: a span per delivery, one per attempt (its context sent as the event's `traceparent`) and the reply. */
  tracing?: Tracing;
}

interface Resolved {
  version: number;
  trigger: IndexedTrigger;
  policy: DeliveryPolicy;
  subscriber: SinkResolution;
  deadLetter?: SinkResolution;
}

const RESULT: Record<string, DeliveryResult> = {
  delivered: "delivered",
  "dead-lettered": "dead_lettered",
  dropped: "dropped",
};

export class TriggerDelivery {
  #version = 0;
  #cache = new Map<string, Resolved>();
  #recovery: DestinationRecovery;

  constructor(private readonly deps: TriggerDeliveryDeps) {
    this.#recovery = new DestinationRecovery(deps.clock);
  }

  /** Something in the store changed: resolve again on the next delivery. */
  invalidate() {
    this.#version++;
  }

  async deliver(row: DeliveryRow): Promise<AppendRequest[]> {
    const target = this.#resolve(row.triggerUid);
    if (!target) return []; // the trigger was deleted meanwhile
    const { trigger } = target;
    const labels = { namespace: trigger.namespace, broker: trigger.broker, trigger: trigger.name };
    const tracing = this.deps.tracing;
    const span = tracing?.start(
      `trigger ${trigger.namespace}/${trigger.name}`,
      tracing.extract(traceparentOf(row.event)),
      SpanKind.CONSUMER,
      {
        "knative.trigger": trigger.name,
        "knative.broker": trigger.broker,
        "cloudevents.event_id": row.event.id,
      },
    );
    let lastStatus = 0;
    let send: SendFn = async (url, event, opts) => {
      const result = await this.deps.sender.send(url, event, opts);
      lastStatus = result.status;
      return result;
    };
    if (span) send = tracedAttempts(tracing!, span, send);
    const started = this.deps.clock.now();
    const outcome = await deliverEvent({
      event: withoutTtl(row.event),
      // Resolved again per attempt (cached until the store changes): a subscriber Service that was
      // not routable when the delivery began is found once it is.
      subscriber: () => this.#resolve(row.triggerUid)?.subscriber ?? target.subscriber,
      recovery: this.#recovery,
      policy: target.policy,
      deadLetter: target.deadLetter,
      clock: this.deps.clock,
      send,
    }).finally(() => span?.end());
    span?.setAttribute("knative.delivery_result", outcome.kind);
    this.deps.metrics.knative.dispatched(
      trigger.namespace,
      trigger.broker,
      trigger.name,
      lastStatus,
      this.deps.clock.now() - started,
    );
    const latency = Math.max(0, this.deps.clock.now() - row.acceptedAt) / 1000;
    this.deps.metrics.delivery(labels, RESULT[outcome.kind], outcome.attempts, latency);
    if (outcome.kind === "dropped") {
      this.deps.log.warn(
        `trigger ${trigger.namespace}/${trigger.name}: event ${row.event.id} dropped after ` +
          `${outcome.attempts} attempt(s) (last status ${outcome.failure.status}): ${outcome.reason}`,
      );
    }
    if (outcome.kind !== "delivered" || !outcome.reply) return [];
    const reply = replyWithTtl(outcome.reply, row.event);
    if (!reply) {
      this.deps.metrics.ttlExpiredEvent(trigger.namespace, trigger.broker);
      return [];
    }
    this.deps.metrics.reply(trigger.namespace, trigger.broker);
    if (span) {
      const replySpan = tracing!.start("reply", span, SpanKind.PRODUCER, {
        "cloudevents.event_id": reply.id,
      });
      const traceparent = tracing!.headersFor(replySpan).traceparent;
      replySpan.end();
      if (traceparent) reply.extensions = { ...reply.extensions, traceparent };
    }
    return [{ namespace: trigger.namespace, broker: trigger.broker, events: [reply] }];
  }

  #resolve(uid: string): Resolved | undefined {
    const trigger = this.deps.index.get(uid);
    if (!trigger) return undefined;
    const cached = this.#cache.get(uid);
    if (cached && cached.version === this.#version && cached.trigger === trigger) return cached;
    const { namespace } = trigger;
    const broker = this.deps.store.get<Broker>("Broker", namespace, trigger.broker);
    const merged = mergeDelivery(trigger.trigger.spec.delivery, broker?.spec?.delivery);
    let policy: DeliveryPolicy;
    try {
      policy = resolveDeliveryPolicy(merged);
    } catch {
      // The broker's settings were validated on their own; a mix cannot be invalid, but stay safe.
      policy = resolveDeliveryPolicy(trigger.trigger.spec.delivery ?? {});
    }
    const resolved: Resolved = {
      version: this.#version,
      trigger,
      policy,
      subscriber: this.deps.sender.resolveSink(trigger.trigger.spec.subscriber, namespace),
      deadLetter: policy.deadLetterSink
        ? this.deps.sender.resolveSink(policy.deadLetterSink, namespace)
        : undefined,
    };
    this.#cache.set(uid, resolved);
    return resolved;
  }

  forget(uid: string) {
    this.#cache.delete(uid);
  }
}

function traceparentOf(event: CloudEvent): Record<string, string> {
  const tp = event.extensions.traceparent;
  return typeof tp === "string" ? { traceparent: tp } : {};
}

/** Each attempt is a span; the event goes out with it as its `traceparent`, so the subscriber's trace joins. */
function tracedAttempts(tracing: Tracing, parent: Span, send: SendFn): SendFn {
  let attempt = 0;
  return async (url, event, opts) => {
    attempt++;
    const span = tracing.start(`delivery attempt ${attempt}`, parent, SpanKind.CLIENT, {
      "http.url": url,
      "knative.attempt": attempt,
    });
    const traceparent = tracing.headersFor(span).traceparent;
    const traced = traceparent ? { ...event, extensions: { ...event.extensions, traceparent } } : event;
    try {
      const result = await send(url, traced, opts);
      span.setAttribute("http.status_code", result.status);
      return result;
    } catch (err) {
      span.setAttribute("error", String(err));
      throw err;
    } finally {
      span.end();
    }
  };
}
