/**
 * NatsJetStreamSource (`sources.knative.dev/v1alpha1`, Denative's: eventing-natss has a channel but
 * no source): reads a JetStream `stream` through a durable pull `consumer` (created when missing,
 * `knative-nats-source-{namespace}-{name}` by default), optionally only `subject`, into `sink`, with
 * `ceOverrides` and Knative's `delivery`. `servers` defaults to the node's `--nats-servers`. Each
 * message becomes `dev.knative.sources.natsjetstream` (id `{stream}/{sequence}`, subject the NATS
 * subject) unless it already is a CloudEvent (`ce-` headers, or a structured body).
 */
import { z } from "zod";
import type { KObject } from "../resources/meta.ts";
import { viewedAs } from "../resources/openapi_view.ts";
import { deliverySpecSchema } from "../eventing/delivery/delivery_spec.ts";
import { type FieldError, zodFieldErrors } from "../resources/field_errors.ts";
import {
  CeOverridesSchema,
  SinkSchema,
  SourceMeta,
  SOURCES_V1ALPHA1,
} from "../eventing/sources/source_spec.ts";
import type { SourceStatus } from "../eventing/sources/source_status.ts";
import type { DeliverySpec } from "../eventing/delivery/delivery_spec.ts";
import { checkDelivery } from "../eventing/broker/resource_errors.ts";

export const NATS_EVENT_TYPE = "dev.knative.sources.natsjetstream";
export const DEFAULT_NATS_IN_FLIGHT = 32;
/** JetStream's stream and consumer name rule: no spaces, dots, `*`, `>`, path separators. */
const JS_NAME = /^[^\s.*>\/\\]+$/;

const requiredText = z.string({
  error: (issue) => issue.input === undefined ? "is required" : "must be a string",
}).min(1, "must not be empty");

const NatsJetStreamSourceSpec = z.looseObject({
  servers: z.string({ error: "must be a string" }).min(1, "must not be empty").optional()
    .describe("NATS server URLs, comma-separated (default: the node's --nats-servers)."),
  stream: requiredText.regex(JS_NAME, "must be a JetStream name: no spaces, '.', '*', '>' or slashes")
    .describe("The JetStream stream to read."),
  subject: z.string({ error: "must be a string" }).min(1, "must not be empty").optional()
    .describe("Only messages of this subject (default: all of the stream)."),
  consumer: z.string({ error: "must be a string" }).regex(JS_NAME, "must be a JetStream name").optional()
    .describe("The durable pull consumer, created when missing."),
  maxInFlight: z.int({ error: "must be a whole number" }).min(1, "must be between 1 and 1000").max(
    1000,
    "must be between 1 and 1000",
  ).optional(),
  sink: SinkSchema,
  ceOverrides: CeOverridesSchema.optional(),
  delivery: viewedAs(deliverySpecSchema).optional().describe("Retries, backoff and dead-letter sink."),
}).describe("The NATS servers, the stream and consumer to read, and where events go.");

export const NatsJetStreamSourceDocument = z.looseObject({
  apiVersion: z.literal(SOURCES_V1ALPHA1),
  kind: z.literal("NatsJetStreamSource"),
  metadata: SourceMeta,
  spec: NatsJetStreamSourceSpec,
}).describe("A NatsJetStreamSource: the messages of a JetStream stream as CloudEvents.");

export interface NatsJetStreamSource extends KObject {
  spec: z.infer<typeof NatsJetStreamSourceSpec> & { delivery?: DeliverySpec };
  status?: SourceStatus;
}

export function parseNatsJetStreamSource(
  doc: unknown,
): { object: NatsJetStreamSource; errors: FieldError[] } {
  const parsed = NatsJetStreamSourceDocument.safeParse(doc);
  if (!parsed.success) return { object: doc as NatsJetStreamSource, errors: zodFieldErrors(parsed.error) };
  const source = parsed.data as unknown as NatsJetStreamSource;
  const errors: FieldError[] = [];
  if (!source.metadata.name) errors.push({ path: "metadata.name", message: "is required" });
  if (source.spec.delivery !== undefined) {
    const checked = checkDelivery(source.spec.delivery, "spec.delivery");
    errors.push(...checked.errors);
    if (checked.delivery) source.spec.delivery = checked.delivery;
  }
  return { object: source, errors };
}

export function consumerNameOf(source: NatsJetStreamSource): string {
  return source.spec.consumer ?? `knative-nats-source-${source.metadata.namespace}-${source.metadata.name}`;
}

export function natsEventSource(source: NatsJetStreamSource): string {
  return `/apis/v1/namespaces/${source.metadata.namespace}/natsjetstreamsources/${source.metadata.name}#${source.spec.stream}`;
}
