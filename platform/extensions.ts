/** The feature areas every platform node runs, in start order. Add one line per area. */
import type { PlatformExtension } from "./extension.ts";
import { brokerExtension } from "./eventing/broker/broker_extension.ts";
import { sourcesExtension } from "./eventing/sources/sources_extension.ts";
import { kafkaExtension } from "./kafka/kafka_extension.ts";
import { messagingExtension } from "./eventing/messaging/messaging_extension.ts";
import { flowsExtension } from "./eventing/flows/flows_extension.ts";
import { redisExtension } from "./redis/redis_extension.ts";
import { rabbitmqExtension } from "./rabbitmq/rabbitmq_extension.ts";
import { natsExtension } from "./nats/nats_extension.ts";
import { kafkaBrokerClass } from "./kafka/kafka_broker_class.ts";
import { rabbitmqBrokerClass } from "./rabbitmq/rabbitmq_broker_class.ts";
import { natsJetStreamChannels } from "./nats/nats_channel_plugin.ts";

/** The Broker classes besides the default one, each from its transport's folder. */
export const BROKER_CLASSES = [kafkaBrokerClass, rabbitmqBrokerClass];

/** The channel kinds besides the InMemoryChannel, each from its transport's folder. */
export const CHANNEL_PLUGINS = [natsJetStreamChannels];

export const EXTENSIONS: PlatformExtension[] = [
  brokerExtension(BROKER_CLASSES),
  sourcesExtension,
  kafkaExtension,
  messagingExtension(CHANNEL_PLUGINS),
  flowsExtension,
  redisExtension,
  rabbitmqExtension,
  natsExtension,
];
