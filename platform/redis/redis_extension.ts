/**
 * Redis Streams as a node extension: the RedisStreamSource kind and the controller that runs each
 * source (consumer-group reads, acknowledgement after delivery, status while Redis is away, backlog
 * for the autoscaler, `/metrics`).
 */
import type { PlatformExtension } from "../extension.ts";
import type { KindInfo } from "../resources/kinds.ts";
import { systemClock } from "../eventing/delivery/clock.ts";
import { EventSender } from "../eventing/event_sender.ts";
import { QueueSourceController } from "../eventing/sources/queue/queue_source_controller.ts";
import { sourcePolicyOf } from "../eventing/sources/queue/source_policy.ts";
import {
  parseRedisStreamSource,
  REDIS_SOURCE_IN_FLIGHT,
  type RedisStreamSource,
  RedisStreamSourceDocument,
  redisUrlOf,
} from "./redis_stream_source.ts";
import { connectRedisStream } from "./redis_stream_connection.ts";

export function redisKinds(): KindInfo[] {
  return [{
    group: "sources.knative.dev",
    version: "v1alpha1",
    plural: "redisstreamsources",
    kind: "RedisStreamSource",
    schema: RedisStreamSourceDocument,
    parse: parseRedisStreamSource,
  }];
}

export const redisExtension: PlatformExtension = {
  name: "redis",
  create(parts) {
    const controller = new QueueSourceController<RedisStreamSource>({
      kind: "RedisStreamSource",
      label: "redisstreamsource",
      connector: (source) => () => connectRedisStream(source),
      serverOf: (source) => `the Redis server at ${redisUrlOf(source.spec.address)}`,
      maxInFlight: () => REDIS_SOURCE_IN_FLIGHT,
      policy: (source) => sourcePolicyOf(source.spec.delivery),
    }, {
      store: parts.store,
      sender: new EventSender(parts),
      clock: systemClock,
      log: parts.log.child("redis"),
    });
    parts.addScalingDemand(() => controller.demand());
    return {
      kinds: redisKinds(),
      metrics: () => controller.metrics(),
      start: () => controller.start(),
      stop: () => controller.stop(),
    };
  },
};
