/**
 * eventing-redis's RedisStreamSource (`sources.knative.dev/v1alpha1`): `address` (`host:port`, or a
 * `redis://` / `rediss://` URL), `stream`, `group` (created with the stream when missing; without one
 * the source gets its own, `knative-redis-source-{uid}`), `sink`, `ceOverrides`; Denative adds
 * Knative's `delivery` (retries, backoff, dead-letter sink). `consumers` and `dialOptions` are kept
 * and ignored. Each entry becomes `dev.knative.sources.redisstream` (id: the entry id, data: the
 * entry's fields as a JSON object) unless its fields already are a CloudEvent's attributes.
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

export const REDIS_EVENT_TYPE = "dev.knative.sources.redisstream";
/** Entries read and delivered at once by one source. */
export const REDIS_SOURCE_IN_FLIGHT = 32;

const requiredText = z.string({
  error: (issue) => issue.input === undefined ? "is required" : "must be a string",
}).min(1, "must not be empty");

const RedisStreamSourceSpec = z.looseObject({
  address: requiredText.describe("The Redis server: host:port, or a redis:// or rediss:// URL."),
  stream: requiredText.describe("The stream to read."),
  group: z.string({ error: "must be a string" }).min(1, "must not be empty").optional()
    .describe("The consumer group, created when missing (default: knative-redis-source-{uid})."),
  consumers: z.int({ error: "must be a positive integer" }).min(1, "must be a positive integer").optional(),
  dialOptions: z.looseObject({}).optional(),
  sink: SinkSchema,
  ceOverrides: CeOverridesSchema.optional(),
  delivery: viewedAs(deliverySpecSchema).optional().describe("Retries, backoff and dead-letter sink."),
}).describe("The Redis server, the stream and group to read, and where events go.");

export const RedisStreamSourceDocument = z.looseObject({
  apiVersion: z.literal(SOURCES_V1ALPHA1),
  kind: z.literal("RedisStreamSource"),
  metadata: SourceMeta,
  spec: RedisStreamSourceSpec,
}).describe("A RedisStreamSource: the entries of a Redis stream as CloudEvents.");

export interface RedisStreamSource extends KObject {
  spec: z.infer<typeof RedisStreamSourceSpec> & { delivery?: DeliverySpec };
  status?: SourceStatus;
}

/** The address as a client URL: `host:port` gets `redis://`. */
export function redisUrlOf(address: string): string {
  return /^rediss?:\/\//i.test(address) ? address : `redis://${address}`;
}

export function parseRedisStreamSource(doc: unknown): { object: RedisStreamSource; errors: FieldError[] } {
  const parsed = RedisStreamSourceDocument.safeParse(doc);
  if (!parsed.success) return { object: doc as RedisStreamSource, errors: zodFieldErrors(parsed.error) };
  const source = parsed.data as unknown as RedisStreamSource;
  const errors: FieldError[] = [];
  if (!source.metadata.name) errors.push({ path: "metadata.name", message: "is required" });
  const url = redisUrlOf(source.spec.address);
  if (!URL.canParse(url) || !new URL(url).hostname) {
    errors.push({
      path: "spec.address",
      message: `"${source.spec.address}" is not host:port or a redis:// URL`,
    });
  }
  if (source.spec.delivery !== undefined) {
    const checked = checkDelivery(source.spec.delivery, "spec.delivery");
    errors.push(...checked.errors);
    if (checked.delivery) source.spec.delivery = checked.delivery;
  }
  return { object: source, errors };
}

export function groupOf(source: RedisStreamSource): string {
  return source.spec.group ?? `knative-redis-source-${source.metadata.uid ?? source.metadata.name}`;
}

/** This node's consumer in the group: stable across restarts, so its pending entries are found again. */
export function consumerOf(source: RedisStreamSource): string {
  return `denative-${source.metadata.namespace}-${source.metadata.name}`;
}

export function redisEventSource(source: RedisStreamSource): string {
  return `/apis/v1/namespaces/${source.metadata.namespace}/redisstreamsources/${source.metadata.name}#${source.spec.stream}`;
}
