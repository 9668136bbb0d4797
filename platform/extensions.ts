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

export const EXTENSIONS: PlatformExtension[] = [
  brokerExtension,
  sourcesExtension,
  kafkaExtension,
  messagingExtension,
  flowsExtension,
  redisExtension,
  rabbitmqExtension,
  natsExtension,
];
