/**
 * Knative's `eventing.knative.dev/v1` Broker: its schema and validation. The broker class comes from
 * the `eventing.knative.dev/broker.class` annotation; Denative's own durable broker serves the
 * default class (`MTChannelBasedBroker`, or no annotation); the plugged-in classes (Kafka,
 * RabbitMQBroker: `broker_class_plugin.ts`) add their checks; other classes are stored for the
 * implementations that serve them.
 */
import { z } from "zod";
import { CLOSED_IN_OPENAPI, type Condition, type KObject, ObjectMeta } from "../../resources/meta.ts";
import { viewedAs } from "../../resources/openapi_view.ts";
import { type FieldError, zodFieldErrors } from "../../resources/field_errors.ts";
import { type DeliverySpec, deliverySpecSchema } from "../delivery/delivery_spec.ts";
import { checkDelivery } from "./resource_errors.ts";
import { BROKER_CLASS_ANNOTATION, DEFAULT_BROKER_CLASS } from "./broker_class.ts";

export const EVENTING_API_VERSION = "eventing.knative.dev/v1";
export { BROKER_CLASS_ANNOTATION, DEFAULT_BROKER_CLASS } from "./broker_class.ts";

export interface BrokerStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  /** Where events are POSTed. */
  address?: { url: string };
  deadLetterSinkUri?: string;
}

export interface Broker extends KObject {
  spec?: { config?: Record<string, unknown>; delivery?: DeliverySpec; [k: string]: unknown };
  status?: BrokerStatus;
}

export const BrokerDocument = z.looseObject({
  apiVersion: z.literal(EVENTING_API_VERSION),
  kind: z.literal("Broker"),
  metadata: ObjectMeta,
  spec: z.looseObject({
    config: z.looseObject({}).optional().describe(
      "A reference to the broker class's configuration (a ConfigMap or a RabbitmqBrokerConfig...).",
    ),
    delivery: viewedAs(deliverySpecSchema).optional().describe(
      "Delivery settings for every Trigger of this broker that sets none of its own.",
    ),
  }).meta(CLOSED_IN_OPENAPI).optional().describe("The broker's configuration and default delivery settings."),
}).describe("A Knative Broker: an event mesh that Triggers subscribe to, with filters.");

/** The broker's class: the annotation, or the default class when it is unset or empty. */
export function brokerClassOf(broker: Pick<Broker, "metadata">): string {
  return broker.metadata.annotations?.[BROKER_CLASS_ANNOTATION] || DEFAULT_BROKER_CLASS;
}

/** Whether this node's durable broker serves a broker (its class is the default one). */
export function isDefaultClass(broker: Pick<Broker, "metadata">): boolean {
  return brokerClassOf(broker) === DEFAULT_BROKER_CLASS;
}

/** Validates a Broker document, with the plugged-in classes' checks. Unknown fields are kept and ignored. */
export function parseBroker(
  doc: unknown,
  classChecks: readonly ((broker: Broker) => FieldError[])[] = [],
): { broker: Broker; errors: FieldError[] } {
  const parsed = BrokerDocument.safeParse(doc);
  if (!parsed.success) return { broker: doc as Broker, errors: zodFieldErrors(parsed.error) };
  const broker = parsed.data as unknown as Broker;
  const errors: FieldError[] = [];
  if (!broker.metadata.name) errors.push({ path: "metadata.name", message: "is required" });
  for (const check of classChecks) errors.push(...check(broker));
  const { delivery, errors: deliveryErrors } = checkDelivery(broker.spec?.delivery, "spec.delivery");
  errors.push(...deliveryErrors);
  if (broker.spec?.delivery !== undefined && delivery) broker.spec.delivery = delivery;
  return { broker, errors };
}
