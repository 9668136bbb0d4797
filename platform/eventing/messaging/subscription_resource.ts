/**
 * Knative's `messaging.knative.dev/v1` Subscription: a `channel` (a reference to a Channel or a
 * channel implementation), a `subscriber` each event goes to, an optional `reply` its answers go to,
 * and `delivery` (retry, backoff, timeout, dead-letter sink). Validated as Knative's webhook does.
 */
import { z } from "zod";
import { CLOSED_IN_OPENAPI, type Condition, type KObject, ObjectMeta } from "../../resources/meta.ts";
import { viewedAs } from "../../resources/openapi_view.ts";
import { type FieldError, zodFieldErrors } from "../../resources/field_errors.ts";
import { type DeliverySpec, deliverySpecSchema, type Destination } from "../delivery/delivery_spec.ts";
import { checkDelivery } from "../broker/resource_errors.ts";
import { destinationOf, SinkSchema } from "../sources/source_spec.ts";
import { MESSAGING_V1 } from "./channel_resource.ts";

export interface ChannelReference {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface SubscriptionSpec {
  channel: ChannelReference;
  /** Absent only on the subscriptions a Parallel makes for a branch without a filter. */
  subscriber?: Destination;
  reply?: Destination;
  delivery?: DeliverySpec;
  [k: string]: unknown;
}

export interface SubscriptionStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  physicalSubscription?: { subscriberUri?: string; replyUri?: string; deadLetterSinkUri?: string };
  [field: string]: unknown;
}

export interface Subscription extends KObject {
  spec: SubscriptionSpec;
  status?: SubscriptionStatus;
}

const requiredText = z.string({
  error: (issue) => issue.input === undefined ? "is required" : "must be a string",
}).min(1, "must not be empty");

const ChannelRef = z.looseObject({
  apiVersion: requiredText,
  kind: requiredText,
  name: requiredText,
}, { error: "is required: the Subscription must reference a channel" });

export const SubscriptionDocument = z.looseObject({
  apiVersion: z.literal(MESSAGING_V1),
  kind: z.literal("Subscription"),
  metadata: ObjectMeta,
  spec: z.looseObject({
    channel: ChannelRef.describe("The Channel (or channel implementation) to subscribe to."),
    subscriber: SinkSchema.optional().describe("Where each event of the channel goes: a ref and/or a uri."),
    reply: SinkSchema.optional().describe("Where the subscriber's replies go."),
    delivery: viewedAs(deliverySpecSchema).optional().describe(
      "Retries, backoff and dead-letter sink; the channel's apply where unset.",
    ),
  }, { error: "is required" }).meta(CLOSED_IN_OPENAPI).describe(
    "The channel, the subscriber, where replies go and delivery settings.",
  ),
}).describe("A Knative Subscription: delivers a channel's events to a subscriber.");

function isEmptyDestination(d: unknown): boolean {
  if (d === undefined || d === null) return true;
  const dest = d as { ref?: unknown; uri?: unknown };
  return dest.ref === undefined && (dest.uri === undefined || dest.uri === "");
}

export function parseSubscription(doc: unknown): { object: Subscription; errors: FieldError[] } {
  const raw = doc as { spec?: { subscriber?: unknown } } | undefined;
  // Knative's own message for the most common mistake, before the schema's generic one.
  if (raw?.spec && typeof raw.spec === "object" && isEmptyDestination(raw.spec.subscriber)) {
    const early = SubscriptionDocument.safeParse(doc);
    const errors = early.success ? [] : zodFieldErrors(early.error);
    errors.push({
      path: "spec.subscriber",
      message: "is required: the Subscription must reference a subscriber",
    });
    return { object: doc as Subscription, errors };
  }
  const parsed = SubscriptionDocument.safeParse(doc);
  if (!parsed.success) return { object: doc as Subscription, errors: zodFieldErrors(parsed.error) };
  const sub = parsed.data as unknown as Subscription;
  const errors: FieldError[] = [];
  if (!sub.metadata.name) errors.push({ path: "metadata.name", message: "is required" });
  sub.spec.subscriber = destinationOf(parsed.data.spec.subscriber!);
  if (parsed.data.spec.reply) sub.spec.reply = destinationOf(parsed.data.spec.reply);
  if (sub.spec.delivery !== undefined) {
    const checked = checkDelivery(sub.spec.delivery, "spec.delivery");
    errors.push(...checked.errors);
    if (checked.delivery) sub.spec.delivery = checked.delivery;
  }
  return { object: sub, errors };
}
