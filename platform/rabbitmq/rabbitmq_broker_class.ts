/** The `RabbitMQBroker` Broker class as the broker extension's plug-in: its document checks and controller. */
import type { BrokerClass } from "../eventing/broker/broker_class_plugin.ts";
import { RabbitmqBrokerController } from "./rabbitmq_broker_controller.ts";
import {
  RABBITMQ_BROKER_CLASS,
  validateParallelismAnnotation,
  validateRabbitmqBroker,
} from "./rabbitmq_broker_spec.ts";

export const rabbitmqBrokerClass: BrokerClass = {
  name: RABBITMQ_BROKER_CLASS,
  validateBroker: validateRabbitmqBroker,
  validateTrigger: validateParallelismAnnotation,
  create: (context) =>
    new RabbitmqBrokerController({
      store: context.store,
      index: context.index,
      sender: context.sender,
      clock: context.clock,
      log: context.log.child("rabbitmq-broker"),
      changed: context.changed,
    }),
};
