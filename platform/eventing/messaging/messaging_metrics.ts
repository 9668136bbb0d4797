/**
 * What channels and subscriptions count (`/metrics`): events accepted and refused at a channel's
 * ingress, deliveries per subscription by result, redeliveries after a restart (possible
 * duplicates), and events waiting per subscription.
 */
import { CounterFamily, renderGauge } from "../counter_family.ts";
import type { SubscriptionResult } from "./subscription_delivery.ts";

export class MessagingMetrics {
  readonly accepts = new CounterFamily(
    "denative_channel_events_accepted_total",
    "Events a channel's ingress stored",
  );
  readonly rejects = new CounterFamily(
    "denative_channel_events_rejected_total",
    "Events a channel's ingress refused, by reason",
  );
  readonly deliveries = new CounterFamily(
    "denative_subscription_deliveries_total",
    "Events a subscription finished with, by result",
  );
  readonly redeliveries = new CounterFamily(
    "denative_subscription_redeliveries_total",
    "Events delivered again after a restart (possible duplicates)",
  );

  accepted(namespace: string, channel: string, n: number) {
    this.accepts.add({ namespace, channel }, n);
  }

  rejected(namespace: string, channel: string, reason: "invalid" | "unavailable") {
    this.rejects.add({ namespace, channel, reason });
  }

  delivered(
    labels: { namespace: string; channel: string; subscription: string },
    result: SubscriptionResult,
  ) {
    this.deliveries.add({ ...labels, result });
  }

  redelivered(labels: { namespace: string; channel: string; subscription: string }) {
    this.redeliveries.add(labels);
  }

  render(pending: { labels: Record<string, string>; value: number }[]): string {
    return [this.accepts, this.rejects, this.deliveries, this.redeliveries].map((c) => c.render()).join("") +
      renderGauge("denative_subscription_pending_events", "Events waiting for a subscription", pending);
  }
}
