/**
 * Kafka as a node extension: the KafkaSource and KafkaSink kinds, each KafkaSink's address on the
 * data port, the controllers that run sources and keep sinks' status, and the consumer-lag demand
 * of each source that feeds a Service (for the autoscaler). All Kafka I/O goes through one shared
 * kafkajs-backed client per cluster.
 */
import type { PlatformExtension } from "../extension.ts";
import { systemClock } from "../eventing/delivery/clock.ts";
import { EventSender } from "../eventing/event_sender.ts";
import { ingressHost } from "../eventing/broker/broker_address.ts";
import { KafkaClients } from "./kafka_clients.ts";
import { kafkajsClientFactory } from "./kafkajs_client.ts";
import { kafkaKinds } from "./kafka_kinds.ts";
import { KafkaSourceController } from "./kafka_source_controller.ts";
import { KafkaSinkController } from "./kafka_sink_controller.ts";
import { mountKafkaSinkIngress } from "./kafka_sink_ingress.ts";

export const kafkaExtension: PlatformExtension = {
  name: "kafka",
  create(parts) {
    const log = parts.log.child("kafka");
    const clients = new KafkaClients(kafkajsClientFactory({ log: log.child("kafkajs") }));
    const sender = new EventSender(parts);
    const sources = new KafkaSourceController({
      store: parts.store,
      sender,
      clients,
      clock: systemClock,
      log,
    });
    const sinks = new KafkaSinkController({
      store: parts.store,
      clients,
      addressOf: (path) => `http://${ingressHost(parts.config.host)}:${parts.scheme.port}${path}`,
      log,
    });
    sinks.load();
    parts.addScalingDemand(() => sources.demand());
    return {
      kinds: kafkaKinds(),
      mount: (app) => mountKafkaSinkIngress(app, sinks),
      metrics: () => sources.metrics(),
      start() {
        sinks.start();
        sources.start();
      },
      async stop() {
        await sources.stop();
        sinks.stop();
        await clients.closeAll();
      },
    };
  },
};
