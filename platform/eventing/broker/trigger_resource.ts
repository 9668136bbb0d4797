/**
 * Knative's `eventing.knative.dev/v1` Trigger: a broker, a subscriber (`ref` and/or `uri`), filters
 * (`filter.attributes`, or `filters` with the SubscriptionsAPI dialects and CESQL) and delivery
 * settings that fall back to the broker's.
 */
import { z } from "zod";
import { type Condition, type KObject, ObjectMeta } from "../../resources/meta.ts";
import { type FieldError, zodFieldErrors } from "../../resources/field_errors.ts";
import type { DeliverySpec, Destination } from "../delivery/delivery_spec.ts";
import type { TriggerFilterSpec } from "../filters/trigger_filter_spec.ts";
import { validateTriggerFilterSpec } from "../filters/validate_filters.ts";
import { checkDelivery } from "./resource_errors.ts";
import { EVENTING_API_VERSION } from "./broker_resource.ts";
import { validateKafkaTrigger } from "./kafka_broker_spec.ts";
import { validateParallelismAnnotation } from "../../rabbitmq/rabbitmq_broker_spec.ts";

export const DEFAULT_BROKER_NAME = "default";

export interface TriggerSpec extends TriggerFilterSpec {
  broker: string;
  subscriber: Destination;
  delivery?: DeliverySpec;
}

export interface TriggerStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  subscriberUri?: string;
  deadLetterSinkUri?: string;
}

export interface Trigger extends KObject {
  spec: TriggerSpec;
  status?: TriggerStatus;
}

const text = z.string({ error: (i) => (i.input === undefined ? "is required" : "must be a string") })
  .min(1, "must not be empty");

const Subscriber = z.looseObject({
  ref: z.looseObject({ apiVersion: text, kind: text, name: text, namespace: text.optional() }).optional(),
  uri: z.string().optional(),
}, { error: (i) => (i.input === undefined ? "is required: a ref or a uri" : "must be an object") })
  .superRefine((s, ctx) => {
    if (!s.ref && !s.uri) ctx.addIssue({ code: "custom", message: "needs a ref or a uri" });
    else if (s.uri !== undefined && !s.ref && !isAbsoluteHttpUrl(s.uri)) {
      ctx.addIssue({
        code: "custom",
        path: ["uri"],
        message: "must be an absolute http(s) URL when there is no ref",
      });
    } else if (s.uri !== undefined && s.ref && !URL.canParse(s.uri, "http://ref.invalid/")) {
      ctx.addIssue({ code: "custom", path: ["uri"], message: "must be a URI relative to the ref" });
    }
  });

const TriggerDocument = z.looseObject({
  apiVersion: z.literal(EVENTING_API_VERSION),
  kind: z.literal("Trigger"),
  metadata: ObjectMeta,
  spec: z.looseObject({
    broker: z.string().optional(),
    subscriber: Subscriber,
    filter: z.unknown().optional(),
    filters: z.unknown().optional(),
    delivery: z.unknown().optional(),
  }, { error: "is required" }),
});

function isAbsoluteHttpUrl(uri: string): boolean {
  return URL.canParse(uri) && ["http:", "https:"].includes(new URL(uri).protocol);
}

/** Validates a Trigger document, with Knative's default broker name `default`. */
export function parseTrigger(doc: unknown): { trigger: Trigger; errors: FieldError[] } {
  const parsed = TriggerDocument.safeParse(doc);
  if (!parsed.success) return { trigger: doc as Trigger, errors: zodFieldErrors(parsed.error) };
  const trigger = parsed.data as unknown as Trigger;
  const errors: FieldError[] = [];
  if (!trigger.metadata.name) errors.push({ path: "metadata.name", message: "is required" });
  if (!trigger.spec.broker) trigger.spec.broker = DEFAULT_BROKER_NAME;
  errors.push(...validateKafkaTrigger(trigger));
  errors.push(...validateParallelismAnnotation(trigger));
  errors.push(...validateTriggerFilterSpec(trigger.spec, "spec"));
  const { delivery, errors: deliveryErrors } = checkDelivery(trigger.spec.delivery, "spec.delivery");
  errors.push(...deliveryErrors);
  if (trigger.spec.delivery !== undefined && delivery) trigger.spec.delivery = delivery;
  return { trigger, errors };
}
