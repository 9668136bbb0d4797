/**
 * eventing-natss's NatsJetStreamChannel (`messaging.knative.dev/v1alpha1`): a channel whose events
 * live in a JetStream stream (`KN_{NAMESPACE}_{NAME}`, or `spec.stream.overrideName`; subject
 * `knative.{namespace}.{name}`), one durable consumer per subscription. Validated as the CRD's
 * schema does (integers where it wants integers) plus the scope annotation; `deploymentSpecTemplate`
 * and most stream/consumer tuning are kept and ignored (the ones used: `retention`, `maxMsgs`,
 * `maxBytes`, `storage`, `replicas`, `consumerConfigTemplate.maxDeliver`).
 */
import { z } from "zod";
import { ObjectMeta } from "../resources/meta.ts";
import { viewedAs } from "../resources/openapi_view.ts";
import { deliverySpecSchema } from "../eventing/delivery/delivery_spec.ts";
import { type FieldError, zodFieldErrors } from "../resources/field_errors.ts";
import {
  type ChannelImplementation,
  checkScope,
  MESSAGING_V1ALPHA1,
} from "../eventing/messaging/channel_resource.ts";
import { checkDelivery } from "../eventing/broker/resource_errors.ts";

const int = z.int({ error: "must be of type integer" });
const text = z.string({ error: "must be of type string" });

const StreamSource = z.looseObject({
  name: text.optional(),
  optStartSeq: int.optional(),
  optStartTime: text.optional(),
  filterSubject: text.optional(),
});

const StreamConfig = z.looseObject({
  additionalSubjects: z.array(text).optional(),
  retention: text.optional(),
  maxConsumers: int.optional(),
  maxMsgs: int.optional(),
  maxBytes: int.optional(),
  discard: text.optional(),
  maxAge: text.optional(),
  maxMsgSize: int.optional(),
  storage: text.optional(),
  replicas: int.optional(),
  noAck: z.boolean({ error: "must be of type boolean" }).optional(),
  duplicateWindow: text.optional(),
  mirror: StreamSource.optional(),
  sources: z.array(StreamSource).optional(),
});

const ConsumerTemplate = z.looseObject({
  deliverPolicy: text.optional(),
  optStartSeq: int.optional(),
  optStartTime: text.optional(),
  ackWait: text.optional(),
  maxDeliver: int.optional(),
  filterSubject: text.optional(),
  replayPolicy: text.optional(),
  rateLimitBPS: int.optional(),
  sampleFrequency: text.optional(),
  maxAckPending: int.optional(),
});

export const NatsJetStreamChannelDocument = z.looseObject({
  apiVersion: z.literal(MESSAGING_V1ALPHA1),
  kind: z.literal("NatsJetStreamChannel"),
  metadata: ObjectMeta,
  spec: z.looseObject({
    subscribers: z.array(z.looseObject({})).optional().describe("Written by Subscriptions, not by users."),
    delivery: viewedAs(deliverySpecSchema).optional().describe(
      "Retries, backoff and dead-letter sink for every subscription that sets none.",
    ),
    stream: z.looseObject({
      overrideName: text.optional().describe("The stream's name instead of KN_{NAMESPACE}_{NAME}."),
      config: StreamConfig.optional().describe("JetStream stream settings (retention, limits, storage...)."),
    }).optional().describe("The JetStream stream that holds the channel's events."),
    consumerConfigTemplate: ConsumerTemplate.optional().describe(
      "Settings of each subscription's durable consumer (maxDeliver...).",
    ),
  }).optional().describe("The stream and consumer settings; subscribers come from Subscriptions."),
}).describe("A NatsJetStreamChannel: a channel whose events live in a NATS JetStream stream.");

export type StreamConfigSpec = z.infer<typeof StreamConfig>;

export interface NatsJetStreamChannel extends ChannelImplementation {
  spec?: z.infer<typeof NatsJetStreamChannelDocument>["spec"] & ChannelImplementation["spec"];
}

export function parseNatsJetStreamChannel(
  doc: unknown,
): { object: NatsJetStreamChannel; errors: FieldError[] } {
  const parsed = NatsJetStreamChannelDocument.safeParse(doc);
  if (!parsed.success) return { object: doc as NatsJetStreamChannel, errors: zodFieldErrors(parsed.error) };
  const channel = parsed.data as unknown as NatsJetStreamChannel;
  const errors: FieldError[] = [...checkScope(channel)];
  if (!channel.metadata.name) errors.push({ path: "metadata.name", message: "is required" });
  const spec = channel.spec;
  // An empty `delivery: {}` is Knative's "nothing set".
  if (spec?.delivery !== undefined && Object.keys(spec.delivery as object).length > 0) {
    const checked = checkDelivery(spec.delivery, "spec.delivery");
    errors.push(...checked.errors);
    if (checked.delivery) spec.delivery = checked.delivery;
  }
  return { object: channel, errors };
}

/** The channel's stream: `overrideName`, else `KN_{NAMESPACE}_{NAME}` in JetStream's alphabet. */
export function streamNameOf(channel: { namespace: string; name: string; overrideName?: string }): string {
  if (channel.overrideName) return channel.overrideName;
  return `KN_${channel.namespace}_${channel.name}`.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
}

export function subjectOf(namespace: string, name: string): string {
  return `knative.${namespace}.${name}`;
}

/** A subscription's durable consumer. */
export function consumerOfSubscription(uid: string): string {
  return `KN_SUB_${uid.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}
