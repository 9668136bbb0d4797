/**
 * Channels and Subscriptions as a node extension: the `messaging.knative.dev` kinds, the channel
 * ingress on the data port (`/channel/{namespace}/{name}`), the channel implementations (the
 * durable InMemoryChannel, and the plugged-in ones: `channel_plugin.ts`), the delivery of each
 * channel's events to its subscriptions, and the reconciler that keeps backing channels and
 * statuses current.
 */
import type { ExtensionHandle, NodeParts, PlatformExtension } from "../../extension.ts";
import { systemClock } from "../delivery/clock.ts";
import { EventSender } from "../event_sender.ts";
import { IN_MEMORY_CHANNEL } from "./channel_resource.ts";
import type { ChannelPlugin } from "./channel_plugin.ts";
import { mountChannelIngress } from "./channel_ingress.ts";
import { InMemoryChannels, labelsOf } from "./in_memory_channel.ts";
import { messagingKinds } from "./messaging_kinds.ts";
import { MessagingMetrics } from "./messaging_metrics.ts";
import { MessagingReconciler } from "./messaging_reconciler.ts";
import { SubscriptionDelivery } from "./subscription_delivery.ts";
import { SubscriptionIndex } from "./subscription_index.ts";

/** The messaging extension, with the InMemoryChannel and the given plugged-in channel kinds. */
export function messagingExtension(plugins: readonly ChannelPlugin[]): PlatformExtension {
  return { name: "eventing-messaging", create: (parts) => createMessaging(parts, plugins) };
}

export function createMessaging(parts: NodeParts, plugins: readonly ChannelPlugin[] = []): ExtensionHandle {
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
  const plugged = new Map(plugins.map((p) => [
    p.kind.kind,
    p.create({ store, config: parts.config, index, delivery, log, changed: () => reconciler.touch() }),
  ]));
  const others = [...plugged.values()];
  reconciler = new MessagingReconciler({
    store,
    index,
    delivery,
    scheme: parts.scheme,
    listenHost: parts.config.host,
    connectionOf: (kind, ns, name) => plugged.get(kind)?.connectionOf(ns, name),
    subscriptionDeleted: (uid, sub) => {
      imc.forget(uid);
      const ref = sub.spec.channel;
      const channel = { namespace: ref.namespace ?? sub.metadata.namespace, name: ref.name };
      for (const p of others) p.forget(uid, channel).catch(() => {});
    },
    afterPass: () => others.forEach((p) => p.sync()),
    log,
  });
  // Subscriptions are known before the ingress takes its first event.
  index.rebuild();
  imc.forgetMissing();
  return {
    kinds: [...messagingKinds(), ...plugins.map((p) => p.kind)],
    mount: (app) => mountChannelIngress(app, [imc, ...others], metrics),
    start() {
      for (const p of others) p.start();
      reconciler.start();
      imc.start();
    },
    async stop() {
      reconciler.stop();
      await Promise.all([imc.stop(), ...others.map((p) => p.stop())]);
    },
    metrics() {
      const pending = [imc, ...others].flatMap((c) => [...c.pending()]).flatMap(([uid, value]) => {
        const sub = index.get(uid);
        return sub ? [{ labels: labelsOf(sub), value }] : [];
      });
      return metrics.render(pending);
    },
  };
}
