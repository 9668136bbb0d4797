/**
 * Every kind the eventing extensions serve (Knative's core eventing and its extensions), for tests
 * that check documents against the same parsers the admin API uses.
 */
import type { KindInfo } from "../resources/kinds.ts";
import { eventingKinds } from "./broker/eventing_registry.ts";
import { sourceKinds } from "./sources/source_kinds.ts";
import { messagingKinds } from "./messaging/messaging_kinds.ts";
import { flowKinds } from "./flows/flows_extension.ts";
import { redisKinds } from "../redis/redis_extension.ts";
import { rabbitmqKinds } from "../rabbitmq/rabbitmq_extension.ts";
import { natsSourceKinds } from "../nats/nats_extension.ts";

export function EXTENSION_KINDS(): KindInfo[] {
  return [
    ...eventingKinds(),
    ...sourceKinds(),
    ...messagingKinds(),
    ...flowKinds(),
    ...redisKinds(),
    ...rabbitmqKinds(),
    ...natsSourceKinds(),
  ];
}
