/**
 * Every kind the eventing extensions serve (Knative's core eventing and its extensions), for tests
 * that check documents against the same parsers the admin API uses.
 */
import type { KindInfo } from "./resources/kinds.ts";
import { eventingKinds } from "./eventing/broker/eventing_registry.ts";
import { sourceKinds } from "./eventing/sources/source_kinds.ts";
import { messagingKinds } from "./eventing/messaging/messaging_kinds.ts";
import { flowKinds } from "./eventing/flows/flows_extension.ts";
import { redisKinds } from "./redis/redis_extension.ts";
import { rabbitmqKinds } from "./rabbitmq/rabbitmq_extension.ts";
import { natsSourceKinds } from "./nats/nats_extension.ts";
import { BROKER_CLASSES, CHANNEL_PLUGINS } from "./extensions.ts";

export function EXTENSION_KINDS(): KindInfo[] {
  return [
    ...eventingKinds(BROKER_CLASSES),
    ...sourceKinds(),
    ...messagingKinds(),
    ...CHANNEL_PLUGINS.map((p) => p.kind),
    ...flowKinds(),
    ...redisKinds(),
    ...rabbitmqKinds(),
    ...natsSourceKinds(),
  ];
}
