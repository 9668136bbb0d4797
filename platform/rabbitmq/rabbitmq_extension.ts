/**
 * RabbitMQ as a node extension: the RabbitmqSource and RabbitmqBrokerConfig kinds (the
 * RabbitMQBroker class itself runs in the broker extension), and the controller that runs each source
 * (queue consumption with a prefetch of `parallelism`, acknowledgement after delivery, status while
 * RabbitMQ is away or its Secret is missing, queue depth for the autoscaler, `/metrics`).
 */
import type { PlatformExtension } from "../extension.ts";
import type { KindInfo } from "../resources/kinds.ts";
import { systemClock } from "../eventing/delivery/clock.ts";
import { EventSender } from "../eventing/event_sender.ts";
import { QueueSourceController } from "../eventing/sources/queue/queue_source_controller.ts";
import { SourceConfigError } from "../eventing/sources/queue/queue_connection.ts";
import { sourcePolicyOf } from "../eventing/sources/queue/source_policy.ts";
import {
  parallelismOf,
  parseRabbitmqSource,
  queueOf,
  type RabbitmqSource,
  RabbitmqSourceDocument,
} from "./rabbitmq_source.ts";
import { rabbitmqUri } from "./rabbitmq_connection_uri.ts";
import { connectRabbitmqSource } from "./rabbitmq_source_connection.ts";
import { parseRabbitmqBrokerConfig } from "./rabbitmq_broker_spec.ts";

export function rabbitmqKinds(): KindInfo[] {
  return [{
    group: "sources.knative.dev",
    version: "v1alpha1",
    plural: "rabbitmqsources",
    kind: "RabbitmqSource",
    schema: RabbitmqSourceDocument,
    parse: parseRabbitmqSource,
  }, {
    group: "eventing.knative.dev",
    version: "v1alpha1",
    plural: "rabbitmqbrokerconfigs",
    kind: "RabbitmqBrokerConfig",
    parse: parseRabbitmqBrokerConfig,
  }];
}

export const rabbitmqExtension: PlatformExtension = {
  name: "rabbitmq",
  create(parts) {
    const { store } = parts;
    const lookup = (ns: string, name: string) => store.get("Secret", ns, name);
    const controller = new QueueSourceController<RabbitmqSource>({
      kind: "RabbitmqSource",
      label: "rabbitmqsource",
      connector: (source) => () => {
        // The Secret is read at each connection, so a Secret created or fixed later is picked up.
        const found = rabbitmqUri(
          source.spec.rabbitmqClusterReference,
          source.metadata.namespace,
          source.spec.rabbitmqResourcesConfig.vhost,
          lookup,
        );
        if ("error" in found) return Promise.reject(new SourceConfigError("SecretNotFound", found.error));
        return connectRabbitmqSource(source, found.uri);
      },
      serverOf: (source) => `RabbitMQ (queue ${queueOf(source)})`,
      maxInFlight: (source) => parallelismOf(source),
      policy: (source) => sourcePolicyOf(source.spec.delivery),
    }, { store, sender: new EventSender(parts), clock: systemClock, log: parts.log.child("rabbitmq") });
    parts.addScalingDemand(() => controller.demand());
    return {
      kinds: rabbitmqKinds(),
      metrics: () => controller.metrics(),
      start: () => controller.start(),
      stop: () => controller.stop(),
    };
  },
};
