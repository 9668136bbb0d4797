/**
 * Knative's `messaging.knative.dev/v1` Channel and InMemoryChannel: schemas, Knative's defaults and
 * validation. A Channel is a generic channel whose `spec.channelTemplate` names the implementation
 * backing it (default: InMemoryChannel, as Knative's `default-ch-webhook`); the backing object has
 * the Channel's name. Denative's InMemoryChannel is durable: it keeps its events in the node's
 * database until every subscription has them.
 */
import { z } from "zod";
import { CLOSED_IN_OPENAPI, type Condition, type KObject, ObjectMeta } from "../../resources/meta.ts";
import { viewedAs } from "../../resources/openapi_view.ts";
import { type FieldError, zodFieldErrors } from "../../resources/field_errors.ts";
import { type DeliverySpec, deliverySpecSchema } from "../delivery/delivery_spec.ts";
import { checkDelivery } from "../broker/resource_errors.ts";

export const MESSAGING_V1 = "messaging.knative.dev/v1";
export const MESSAGING_V1ALPHA1 = "messaging.knative.dev/v1alpha1";
export const SCOPE_ANNOTATION = "eventing.knative.dev/scope";

/** A channel implementation: the kind a Channel's template may name, and that Subscriptions reach. */
export interface ChannelKind {
  apiVersion: string;
  kind: string;
}
export const IN_MEMORY_CHANNEL: ChannelKind = { apiVersion: MESSAGING_V1, kind: "InMemoryChannel" };
export const NATS_JETSTREAM_CHANNEL: ChannelKind = {
  apiVersion: MESSAGING_V1ALPHA1,
  kind: "NatsJetStreamChannel",
};
/** The implementations this node runs. */
export const CHANNEL_IMPLEMENTATIONS: ChannelKind[] = [IN_MEMORY_CHANNEL, NATS_JETSTREAM_CHANNEL];
/** Knative's default channel template. */
export const DEFAULT_CHANNEL_TEMPLATE: ChannelKind = IN_MEMORY_CHANNEL;

export function isImplementation(kind: ChannelKind): boolean {
  return CHANNEL_IMPLEMENTATIONS.some((k) => k.kind === kind.kind && k.apiVersion === kind.apiVersion);
}

/** One entry of a channel's `status.subscribers` (Knative's `SubscriberStatus`). */
export interface SubscriberStatus {
  uid: string;
  observedGeneration?: number;
  ready: "True" | "False" | "Unknown";
  message?: string;
}

export interface ChannelStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  address?: { url: string };
  subscribers?: SubscriberStatus[];
  /** Channel only: the backing channel. */
  channel?: { apiVersion: string; kind: string; name: string; namespace: string };
  deadLetterSinkUri?: string;
  [field: string]: unknown;
}

export interface ChannelTemplate extends ChannelKind {
  spec?: Record<string, unknown>;
}

export interface Channel extends KObject {
  spec: { channelTemplate: ChannelTemplate; delivery?: DeliverySpec; [k: string]: unknown };
  status?: ChannelStatus;
}

/** An InMemoryChannel (and the shape every channel implementation shares). */
export interface ChannelImplementation extends KObject {
  spec?: { delivery?: DeliverySpec; subscribers?: unknown[]; [k: string]: unknown };
  status?: ChannelStatus;
}

const requiredText = z.string({
  error: (issue) => issue.input === undefined ? "is required" : "must be a string",
}).min(1, "must not be empty");

const ChannelTemplateSchema = z.looseObject({
  apiVersion: requiredText,
  kind: requiredText,
  spec: z.looseObject({}).optional(),
}, { error: "must be an object with apiVersion and kind" });

export const ChannelDocument = z.looseObject({
  apiVersion: z.literal(MESSAGING_V1),
  kind: z.literal("Channel"),
  metadata: ObjectMeta,
  spec: z.looseObject({
    channelTemplate: ChannelTemplateSchema.optional().describe(
      "The channel implementation backing this Channel (default: InMemoryChannel) and its spec.",
    ),
    delivery: viewedAs(deliverySpecSchema).optional().describe(
      "Retries, backoff and dead-letter sink for every subscription that sets none.",
    ),
  }).meta(CLOSED_IN_OPENAPI).optional().describe("The implementation to use and its delivery settings."),
}).describe("A Knative Channel: a generic channel backed by a channel implementation.");

export const InMemoryChannelDocument = z.looseObject({
  apiVersion: z.literal(MESSAGING_V1),
  kind: z.literal("InMemoryChannel"),
  metadata: ObjectMeta,
  spec: z.looseObject({
    delivery: viewedAs(deliverySpecSchema).optional().describe(
      "Retries, backoff and dead-letter sink for every subscription that sets none.",
    ),
    subscribers: z.array(z.looseObject({})).optional().describe("Written by Subscriptions, not by users."),
  }).meta(CLOSED_IN_OPENAPI).optional().describe("Delivery settings; subscribers come from Subscriptions."),
}).describe("An InMemoryChannel: Denative's durable channel, events kept until every subscriber has them.");

/** Knative's scope annotation on channels: `cluster` or `namespace` (where the dispatcher runs). */
export function checkScope(obj: KObject): FieldError[] {
  const scope = obj.metadata.annotations?.[SCOPE_ANNOTATION];
  if (scope === undefined || scope === "cluster" || scope === "namespace") return [];
  return [{
    path: `metadata.annotations[${SCOPE_ANNOTATION}]`,
    message: `must be "cluster" or "namespace", not "${scope}"`,
  }];
}

function checkSpecDelivery(spec: { delivery?: unknown } | undefined): FieldError[] {
  if (spec?.delivery === undefined) return [];
  const { delivery, errors } = checkDelivery(spec.delivery, "spec.delivery");
  if (delivery) spec.delivery = delivery;
  return errors;
}

function nameRequired(obj: KObject): FieldError[] {
  return obj.metadata.name ? [] : [{ path: "metadata.name", message: "is required" }];
}

/** Validates a Channel, filling the default template when there is none (as Knative's defaulter). */
export function parseChannel(doc: unknown): { object: Channel; errors: FieldError[] } {
  const parsed = ChannelDocument.safeParse(doc);
  if (!parsed.success) return { object: doc as Channel, errors: zodFieldErrors(parsed.error) };
  const channel = parsed.data as unknown as Channel;
  channel.spec ??= {} as Channel["spec"];
  channel.spec.channelTemplate ??= { ...DEFAULT_CHANNEL_TEMPLATE };
  const errors = [...nameRequired(channel), ...checkSpecDelivery(channel.spec)];
  // Knative: subscribers belong to the backing channel, a user never sets them on a Channel.
  if (channel.spec.subscribers !== undefined) {
    errors.push({ path: "spec.subscribers", message: "must not be set: Subscriptions add subscribers" });
  }
  return { object: channel, errors };
}

export function parseInMemoryChannel(doc: unknown): { object: ChannelImplementation; errors: FieldError[] } {
  const parsed = InMemoryChannelDocument.safeParse(doc);
  if (!parsed.success) return { object: doc as ChannelImplementation, errors: zodFieldErrors(parsed.error) };
  const channel = parsed.data as unknown as ChannelImplementation;
  return {
    object: channel,
    errors: [...nameRequired(channel), ...checkScope(channel), ...checkSpecDelivery(channel.spec)],
  };
}
