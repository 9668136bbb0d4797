/** The `eventing.knative.dev/v1` kinds the admin API serves: Brokers and Triggers, both user-written. */
import type { KindInfo } from "../../resources/kinds.ts";
import { BrokerDocument, parseBroker } from "./broker_resource.ts";
import { parseTrigger, TriggerDocument } from "./trigger_resource.ts";

export function eventingKinds(): KindInfo[] {
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
        const { broker, errors } = parseBroker(doc);
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
        const { trigger, errors } = parseTrigger(doc);
        return { object: trigger, errors };
      },
    },
  ];
}
