/**
 * The `eventing.knative.dev/v1` kinds the admin API serves: Brokers and Triggers, both user-written,
 * checked also by the plugged-in broker classes.
 */
import type { KindInfo } from "../../resources/kinds.ts";
import type { BrokerClassChecks } from "./broker_class_plugin.ts";
import { BrokerDocument, parseBroker } from "./broker_resource.ts";
import { parseTrigger, TriggerDocument } from "./trigger_resource.ts";

export function eventingKinds(classes: readonly BrokerClassChecks[] = []): KindInfo[] {
  const brokerChecks = classes.flatMap((c) => c.validateBroker ? [c.validateBroker] : []);
  const triggerChecks = classes.flatMap((c) => c.validateTrigger ? [c.validateTrigger] : []);
  const group = "eventing.knative.dev";
  const version = "v1";
  return [
    {
      group,
      version,
      plural: "brokers",
      kind: "Broker",
      schema: BrokerDocument,
      parse(doc) {
        const { broker, errors } = parseBroker(doc, brokerChecks);
        return { object: broker, errors };
      },
    },
    {
      group,
      version,
      plural: "triggers",
      kind: "Trigger",
      schema: TriggerDocument,
      parse(doc) {
        const { trigger, errors } = parseTrigger(doc, triggerChecks);
        return { object: trigger, errors };
      },
    },
  ];
}
