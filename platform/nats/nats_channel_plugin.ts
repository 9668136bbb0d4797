/** The NatsJetStreamChannel as the messaging extension's plug-in: its kind and its channels. */
import type { KindInfo } from "../resources/kinds.ts";
import type { ChannelPlugin } from "../eventing/messaging/channel_plugin.ts";
import { NATS_JETSTREAM_CHANNEL } from "../eventing/messaging/channel_resource.ts";
import { NatsChannels } from "./nats_channels.ts";
import { NatsJetStreamChannelDocument, parseNatsJetStreamChannel } from "./nats_jetstream_channel.ts";

export const NATS_JETSTREAM_CHANNEL_KIND: KindInfo = {
  group: "messaging.knative.dev",
  version: "v1alpha1",
  plural: "natsjetstreamchannels",
  kind: NATS_JETSTREAM_CHANNEL.kind,
  schema: NatsJetStreamChannelDocument,
  parse: parseNatsJetStreamChannel,
};

export const natsJetStreamChannels: ChannelPlugin = {
  kind: NATS_JETSTREAM_CHANNEL_KIND,
  create: (context) =>
    new NatsChannels({
      store: context.store,
      index: context.index,
      delivery: context.delivery,
      servers: context.config.natsServers,
      log: context.log.child("nats"),
      changed: context.changed,
    }),
};
