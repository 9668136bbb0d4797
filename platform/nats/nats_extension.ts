/**
 * NATS JetStream as a node extension: the NatsJetStreamSource kind and the controller that runs each
 * source (a durable pull consumer, acknowledgement after delivery, status while NATS is away or the
 * stream is missing, pending messages for the autoscaler, `/metrics`). The NatsJetStreamChannel is a
 * channel implementation and lives with the other channels (the messaging extension).
 */
import type { PlatformExtension } from "../extension.ts";
import type { KindInfo } from "../resources/kinds.ts";
import { systemClock } from "../eventing/delivery/clock.ts";
import { EventSender } from "../eventing/event_sender.ts";
import { QueueSourceController } from "../eventing/sources/queue/queue_source_controller.ts";
import { sourcePolicyOf } from "../eventing/sources/queue/source_policy.ts";
import {
  DEFAULT_NATS_IN_FLIGHT,
  type NatsJetStreamSource,
  NatsJetStreamSourceDocument,
  parseNatsJetStreamSource,
} from "./nats_jetstream_source.ts";
import { connectNatsSource } from "./nats_source_connection.ts";

export function natsSourceKinds(): KindInfo[] {
  return [{
    group: "sources.knative.dev",
    version: "v1alpha1",
    plural: "natsjetstreamsources",
    kind: "NatsJetStreamSource",
    schema: NatsJetStreamSourceDocument,
    parse: parseNatsJetStreamSource,
  }];
}

export const natsExtension: PlatformExtension = {
  name: "nats",
  create(parts) {
    const serversOf = (source: NatsJetStreamSource) => source.spec.servers ?? parts.config.natsServers;
    const controller = new QueueSourceController<NatsJetStreamSource>({
      kind: "NatsJetStreamSource",
      label: "natsjetstreamsource",
      connector: (source) => () => connectNatsSource(source, serversOf(source)),
      serverOf: (source) => `NATS at ${serversOf(source)} (stream ${source.spec.stream})`,
      maxInFlight: (source) => source.spec.maxInFlight ?? DEFAULT_NATS_IN_FLIGHT,
      policy: (source) => sourcePolicyOf(source.spec.delivery),
    }, {
      store: parts.store,
      sender: new EventSender(parts),
      clock: systemClock,
      log: parts.log.child("nats"),
    });
    parts.addScalingDemand(() => controller.demand());
    return {
      kinds: natsSourceKinds(),
      metrics: () => controller.metrics(),
      start: () => controller.start(),
      stop: () => controller.stop(),
    };
  },
};
