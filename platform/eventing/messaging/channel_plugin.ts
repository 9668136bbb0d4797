/**
 * A channel implementation that lives with its transport (NatsJetStreamChannel in platform/nats/),
 * plugged into the messaging extension by platform/extensions.ts, so that eventing/ never imports a
 * transport. The durable InMemoryChannel is built in.
 */
import type { ServeConfig } from "../../config.ts";
import type { Logger } from "../../log.ts";
import type { KindInfo } from "../../resources/kinds.ts";
import type { ResourceStore } from "../../store/resource_store.ts";
import type { ChannelBackend } from "./channel_backend.ts";
import type { Check } from "./messaging_status.ts";
import type { SubscriptionDelivery } from "./subscription_delivery.ts";
import type { SubscriptionIndex } from "./subscription_index.ts";

export interface ChannelPlugin {
  /** The channel kind it implements, as the admin API serves it. */
  kind: KindInfo;
  create(context: ChannelPluginContext): PluggedChannels;
}

export interface ChannelPluginContext {
  store: ResourceStore;
  config: ServeConfig;
  index: SubscriptionIndex;
  delivery: SubscriptionDelivery;
  log: Logger;
  /** A connection state changed: statuses are due. */
  changed(): void;
}

/** The channels of one plugged-in kind on a node. */
export interface PluggedChannels extends ChannelBackend {
  /** The connection check of a channel, for its status. */
  connectionOf(namespace: string, name: string): Check | undefined;
  start(): void;
  stop(): Promise<void>;
  /** Follows the channels and subscriptions (after each reconcile pass). */
  sync(): void;
  /** Undelivered events by subscription uid. */
  pending(): Map<string, number>;
  /** A subscription was deleted: its undelivered events (and consumer) can go. */
  forget(uid: string, channel: { namespace: string; name: string }): Promise<void>;
}
