/**
 * The `Kafka` Broker class as the broker extension's plug-in: its document checks, and a
 * `KafkaBrokerController` with its own Kafka clients (closed when it stops).
 */
import type { BrokerClass } from "../eventing/broker/broker_class_plugin.ts";
import { KAFKA_BROKER_CLASS, validateKafkaBroker, validateKafkaTrigger } from "./kafka_broker_spec.ts";
import { KafkaBrokerController } from "./kafka_broker_controller.ts";
import { KafkaClients } from "./kafka_clients.ts";
import { kafkajsClientFactory } from "./kafkajs_client.ts";

export const kafkaBrokerClass: BrokerClass = {
  name: KAFKA_BROKER_CLASS,
  validateBroker: validateKafkaBroker,
  validateTrigger: validateKafkaTrigger,
  create: (context) =>
    new KafkaBrokerController({
      store: context.store,
      clients: new KafkaClients(kafkajsClientFactory({ log: context.log.child("kafkajs") })),
      defaultServers: context.config.kafkaBootstrapServers,
      index: context.index,
      deliver: context.deliver,
      changed: context.changed,
      clock: context.clock,
      log: context.log.child("kafka-broker"),
    }),
};
