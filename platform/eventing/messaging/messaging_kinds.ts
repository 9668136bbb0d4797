/**
 * The `messaging.knative.dev` kinds the admin API serves: Channels, InMemoryChannels, Subscriptions
 * and NatsJetStreamChannels.
 */
import type { KindInfo } from "../../resources/kinds.ts";
import {
  ChannelDocument,
  InMemoryChannelDocument,
  parseChannel,
  parseInMemoryChannel,
} from "./channel_resource.ts";
import { parseSubscription, SubscriptionDocument } from "./subscription_resource.ts";
import {
  NatsJetStreamChannelDocument,
  parseNatsJetStreamChannel,
} from "../../nats/nats_jetstream_channel.ts";

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
    {
      group,
      version: "v1alpha1",
      plural: "natsjetstreamchannels",
      kind: "NatsJetStreamChannel",
      schema: NatsJetStreamChannelDocument,
      parse: parseNatsJetStreamChannel,
    },
  ];
}
