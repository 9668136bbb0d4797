/**
 * Knative's `eventing.knative.dev/v1` Trigger: a broker, a subscriber (`ref` and/or `uri`), filters
 * (`filter.attributes`, or `filters` with the SubscriptionsAPI dialects and CESQL) and delivery
 * settings that fall back to the broker's.
 */
import { z } from "zod";
import { CLOSED_IN_OPENAPI, type Condition, type KObject, ObjectMeta } from "../../resources/meta.ts";
import { viewedAs } from "../../resources/openapi_view.ts";
import { type FieldError, zodFieldErrors } from "../../resources/field_errors.ts";
import { type DeliverySpec, deliverySpecSchema, type Destination } from "../delivery/delivery_spec.ts";
import type { TriggerFilterSpec } from "../filters/trigger_filter_spec.ts";
import { validateTriggerFilterSpec } from "../filters/validate_filters.ts";
import { FilterShape, SubscriptionsApiFilterShape } from "../filters/filter_shapes.ts";
import { checkDelivery } from "./resource_errors.ts";
import { EVENTING_API_VERSION } from "./broker_resource.ts";

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
  ref: z.looseObject({ apiVersion: text, kind: text, name: text, namespace: text.optional() }).optional()
    .describe("The addressable resource (a Service...) events go to."),
  uri: z.string().optional().describe("An absolute URL, or a path relative to the ref's address."),
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

export const TriggerDocument = z.looseObject({
  apiVersion: z.literal(EVENTING_API_VERSION),
  kind: z.literal("Trigger"),
  metadata: ObjectMeta,
  spec: z.looseObject({
    broker: z.string().optional().describe("The Broker this Trigger subscribes to (default: default)."),
    subscriber: Subscriber.describe("Where matching events are sent: a ref and/or a uri."),
    filter: viewedAs(FilterShape).optional().describe(
      "Selects events by exact attribute values; ignored when filters is set.",
    ),
    filters: viewedAs(z.array(SubscriptionsApiFilterShape)).optional().describe(
      "Subscriptions API filters (exact, prefix, suffix, all, any, not, cesql); all must match.",
    ),
    delivery: viewedAs(deliverySpecSchema).optional().describe(
      "Retries, backoff and dead-letter sink; the broker's apply where unset.",
    ),
  }, { error: "is required" }).meta(CLOSED_IN_OPENAPI).describe(
    "The broker to subscribe to, the filters events must pass and the subscriber they go to.",
  ),
}).describe("A Knative Trigger: delivers the events of a Broker that pass its filters to a subscriber.");

function isAbsoluteHttpUrl(uri: string): boolean {
  return URL.canParse(uri) && ["http:", "https:"].includes(new URL(uri).protocol);
}

/** Validates a Trigger document (and the plugged-in broker classes' checks); the broker defaults to `default`. */
export function parseTrigger(
  doc: unknown,
  classChecks: readonly ((trigger: Trigger) => FieldError[])[] = [],
): { trigger: Trigger; errors: FieldError[] } {
  const parsed = TriggerDocument.safeParse(doc);
  if (!parsed.success) return { trigger: doc as Trigger, errors: zodFieldErrors(parsed.error) };
  const trigger = parsed.data as unknown as Trigger;
  const errors: FieldError[] = [];
  if (!trigger.metadata.name) errors.push({ path: "metadata.name", message: "is required" });
  if (!trigger.spec.broker) trigger.spec.broker = DEFAULT_BROKER_NAME;
  for (const check of classChecks) errors.push(...check(trigger));
  errors.push(...validateTriggerFilterSpec(trigger.spec, "spec"));
  const { delivery, errors: deliveryErrors } = checkDelivery(trigger.spec.delivery, "spec.delivery");
  errors.push(...deliveryErrors);
  if (trigger.spec.delivery !== undefined && delivery) trigger.spec.delivery = delivery;
  return { trigger, errors };
}
