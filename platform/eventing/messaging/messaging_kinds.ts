/**
 * The `messaging.knative.dev` kinds the admin API serves: Channels, InMemoryChannels and
 * Subscriptions (plugged-in channel kinds, such as NatsJetStreamChannel, come with their plug-in).
 */
import type { KindInfo } from "../../resources/kinds.ts";
import {
  ChannelDocument,
  InMemoryChannelDocument,
  parseChannel,
  parseInMemoryChannel,
} from "./channel_resource.ts";
import { parseSubscription, SubscriptionDocument } from "./subscription_resource.ts";

export function messagingKinds(): KindInfo[] {
  const group = "messaging.knative.dev";
  return [
    {
      group,
      version: "v1",
      plural: "channels",
      kind: "Channel",
      schema: ChannelDocument,
      parse: parseChannel,
    },
    {
      group,
      version: "v1",
      plural: "inmemorychannels",
      kind: "InMemoryChannel",
      schema: InMemoryChannelDocument,
      parse: parseInMemoryChannel,
    },
    {
      group,
      version: "v1",
      plural: "subscriptions",
      kind: "Subscription",
      schema: SubscriptionDocument,
      parse: parseSubscription,
    },
  ];
}
