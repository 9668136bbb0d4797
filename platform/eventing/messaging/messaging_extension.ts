/**
 * Channels and Subscriptions as a node extension: the `messaging.knative.dev` kinds, the channel
 * ingress on the data port (`/channel/{namespace}/{name}`), the two channel implementations (the
 * durable InMemoryChannel and the NatsJetStreamChannel), the delivery of each channel's events to
 * its subscriptions, and the reconciler that keeps backing channels and statuses current.
 */
import type { ExtensionHandle, NodeParts, PlatformExtension } from "../../extension.ts";
import { systemClock } from "../delivery/clock.ts";
import { EventSender } from "../event_sender.ts";
import { IN_MEMORY_CHANNEL, NATS_JETSTREAM_CHANNEL } from "./channel_resource.ts";
import { NatsChannels } from "../../nats/nats_channels.ts";
import { mountChannelIngress } from "./channel_ingress.ts";
import { InMemoryChannels, labelsOf } from "./in_memory_channel.ts";
import { messagingKinds } from "./messaging_kinds.ts";
import { MessagingMetrics } from "./messaging_metrics.ts";
import { MessagingReconciler } from "./messaging_reconciler.ts";
import { SubscriptionDelivery } from "./subscription_delivery.ts";
import { SubscriptionIndex } from "./subscription_index.ts";

export const messagingExtension: PlatformExtension = {
  name: "eventing-messaging",
  create: (parts) => createMessaging(parts),
};

export function createMessaging(parts: NodeParts): ExtensionHandle {
  const { store } = parts;
  const log = parts.log.child("messaging");
  const metrics = new MessagingMetrics();
  const index = new SubscriptionIndex(store);
  const delivery = new SubscriptionDelivery({
    store,
    index,
    sender: new EventSender(parts),
    clock: systemClock,
    log,
    counted: (sub, result) => metrics.delivered(labelsOf(sub), result),
  });
  const imc = new InMemoryChannels({
    db: store.db,
    index,
    delivery,
    metrics,
    exists: (ns, name) => store.get(IN_MEMORY_CHANNEL.kind, ns, name) !== undefined,
    log,
  });
  // deno-lint-ignore prefer-const
  let reconciler: MessagingReconciler;
  const nats = new NatsChannels({
    store,
    index,
    delivery,
    servers: parts.config.natsServers,
    log: log.child("nats"),
    changed: () => reconciler.touch(),
  });
  reconciler = new MessagingReconciler({
    store,
    index,
    delivery,
    scheme: parts.scheme,
    listenHost: parts.config.host,
    connectionOf: (kind, ns, name) =>
      kind === NATS_JETSTREAM_CHANNEL.kind ? nats.connectionOf(ns, name) : undefined,
    subscriptionDeleted: (uid, sub) => {
      imc.forget(uid);
      const ref = sub.spec.channel;
      nats.forget(uid, { namespace: ref.namespace ?? sub.metadata.namespace, name: ref.name }).catch(
        () => {},
      );
    },
    afterPass: () => nats.sync(),
    log,
  });
  // Subscriptions are known before the ingress takes its first event.
  index.rebuild();
  imc.forgetMissing();
  return {
    kinds: messagingKinds(),
    mount: (app) => mountChannelIngress(app, [imc, nats], metrics),
    start() {
      nats.start();
      reconciler.start();
      imc.start();
    },
    async stop() {
      reconciler.stop();
      await Promise.all([imc.stop(), nats.stop()]);
    },
    metrics() {
      const pending = [...imc.pending(), ...nats.pending()].flatMap(([uid, value]) => {
        const sub = index.get(uid);
        return sub ? [{ labels: labelsOf(sub), value }] : [];
      });
      return metrics.render(pending);
    },
  };
}
