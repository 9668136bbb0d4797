/**
 * Knative's KafkaSource (`sources.knative.dev/v1`, and the `v1beta1` Knative ships, stored as v1):
 * schema, Knative's defaults (`initialOffset: latest`, `ordering: ordered`) and validation, and what
 * the rest of the Kafka code derives from a source: its consumer group, its delivery policy, its lag
 * threshold. Fields Denative has no use for (`consumers`, `net`...) are kept; `net.tls`/`net.sasl`
 * are stored but not supported (the source reports it on its status).
 */
import { z } from "zod";
import { CLOSED_IN_OPENAPI, type Condition, type KObject } from "../resources/meta.ts";
import { viewedAs } from "../resources/openapi_view.ts";
import { type FieldError, zodFieldErrors } from "../resources/field_errors.ts";
import {
  CeOverridesSchema,
  SinkSchema,
  SourceMeta,
  SOURCES_GROUP,
  SOURCES_V1,
} from "../eventing/sources/source_spec.ts";
import { type DeliverySpec, deliverySpecSchema } from "../eventing/delivery/delivery_spec.ts";
import { checkDelivery } from "../eventing/broker/resource_errors.ts";
import { type DeliveryPolicy, resolveDeliveryPolicy } from "../eventing/delivery/delivery_policy.ts";
import { SOURCE_DELIVERY_POLICY } from "../eventing/sources/source_delivery.ts";
import type { InitialOffset } from "./kafka_client.ts";

export const SOURCES_V1BETA1 = `${SOURCES_GROUP}/v1beta1`;

/** Consumer lag one instance of the fed Service is expected to absorb (KEDA's `lagThreshold`, default 10). */
export const LAG_THRESHOLD_ANNOTATION = "autoscaling.denative.dev/lag-threshold";
export const DEFAULT_LAG_THRESHOLD = 10;
/** Knative's KafkaSource annotation: how record keys become the `key` extension. */
export const KEY_TYPE_ANNOTATION = "kafkasources.sources.knative.dev/key-type";
export const KEY_TYPES = ["string", "int", "float", "byte-array"] as const;
export type KeyType = typeof KEY_TYPES[number];

/** Kafka's topic name rule. */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const BOOTSTRAP_SERVER = /^[^\s,:]+:\d{1,5}$/;

const TopicName = z.string({ error: "must be a string" }).refine(
  (t) => TOPIC_NAME.test(t) && t !== "." && t !== "..",
  "must be a Kafka topic name: 1-249 of a-z, A-Z, 0-9, '.', '_' and '-'",
);

const KafkaSourceSpec = z.looseObject({
  bootstrapServers: z.array(z.string({ error: "must be a string" }), { error: "is required" })
    .min(1, "is required: at least one host:port").describe("Kafka brokers to connect to, host:port."),
  topics: z.array(TopicName, { error: "is required" }).min(1, "is required: at least one topic")
    .describe("The topics to consume."),
  consumerGroup: z.string({ error: "must be a string" }).min(1, "must not be empty").optional()
    .describe("The consumer group (default: one derived from the source's uid)."),
  initialOffset: z.enum(["earliest", "latest"], { error: 'must be "earliest" or "latest"' }).optional()
    .describe("Where a new consumer group starts: earliest or latest (default)."),
  ordering: z.enum(["ordered", "unordered"], { error: 'must be "ordered" or "unordered"' }).optional()
    .describe("ordered (default): one event per partition at a time; unordered: in parallel."),
  consumers: z.int({ error: "must be a positive integer" }).min(1, "must be a positive integer").optional()
    .describe("Kept for Knative compatibility; Denative scales consumers itself."),
  net: z.looseObject({
    tls: z.looseObject({ enable: z.boolean().optional() }).optional(),
    sasl: z.looseObject({ enable: z.boolean().optional() }).optional(),
  }).optional(),
  sink: SinkSchema,
  ceOverrides: CeOverridesSchema.optional(),
  // Knative's KafkaSource delivery has no `format` (the source always sends binary).
  delivery: viewedAs(deliverySpecSchema.omit({ format: true })).optional()
    .describe("Retries, backoff and dead-letter sink."),
}).meta(CLOSED_IN_OPENAPI).describe("The brokers, the topics, how to consume them and where events go.");
export type KafkaSourceSpec = z.infer<typeof KafkaSourceSpec>;

export const KafkaSourceDocument = z.looseObject({
  apiVersion: z.enum([SOURCES_V1, SOURCES_V1BETA1], {
    error: `must be "${SOURCES_V1}" or "${SOURCES_V1BETA1}"`,
  }),
  kind: z.literal("KafkaSource"),
  metadata: SourceMeta,
  spec: KafkaSourceSpec,
}).describe("A Knative KafkaSource: the records of Kafka topics as CloudEvents.");

export interface KafkaSourceStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  sinkUri?: string;
  /** The consumer group the source reads with (the spec's, or the derived default). */
  consumerGroup?: string;
  [field: string]: unknown;
}

export interface KafkaSource extends KObject {
  spec: KafkaSourceSpec & { initialOffset: InitialOffset; ordering: "ordered" | "unordered" };
  status?: KafkaSourceStatus;
}

/** Validates a KafkaSource (v1 or v1beta1), fills Knative's defaults and stores it as v1. */
export function parseKafkaSource(doc: unknown): { source: KafkaSource; errors: FieldError[] } {
  const parsed = KafkaSourceDocument.safeParse(doc);
  if (!parsed.success) return { source: doc as KafkaSource, errors: zodFieldErrors(parsed.error) };
  const source = parsed.data as unknown as KafkaSource;
  source.apiVersion = SOURCES_V1;
  const spec = source.spec;
  spec.initialOffset ??= "latest";
  spec.ordering ??= "ordered";
  const errors: FieldError[] = [];
  // Knative accepts comma-separated lists inside each entry.
  spec.bootstrapServers = spec.bootstrapServers.flatMap((s) => s.split(",")).map((s) => s.trim()).filter(
    Boolean,
  );
  spec.bootstrapServers.forEach((server, i) => {
    if (!BOOTSTRAP_SERVER.test(server)) {
      errors.push({ path: `spec.bootstrapServers[${i}]`, message: `"${server}" is not host:port` });
    }
  });
  if (spec.bootstrapServers.length === 0) {
    errors.push({ path: "spec.bootstrapServers", message: "is required: at least one host:port" });
  }
  if (spec.delivery !== undefined) {
    const checked = checkDelivery(spec.delivery, "spec.delivery");
    errors.push(...checked.errors);
    if (checked.delivery) spec.delivery = checked.delivery;
  }
  const annotations = source.metadata.annotations ?? {};
  const threshold = annotations[LAG_THRESHOLD_ANNOTATION];
  if (threshold !== undefined && !(Number(threshold) > 0)) {
    errors.push({
      path: `metadata.annotations[${LAG_THRESHOLD_ANNOTATION}]`,
      message: `must be a positive number, not "${threshold}"`,
    });
  }
  const keyType = annotations[KEY_TYPE_ANNOTATION];
  if (keyType !== undefined && !(KEY_TYPES as readonly string[]).includes(keyType)) {
    errors.push({
      path: `metadata.annotations[${KEY_TYPE_ANNOTATION}]`,
      message: `must be one of ${KEY_TYPES.join(", ")}, not "${keyType}"`,
    });
  }
  return { source, errors };
}

/** The group the source consumes with: `spec.consumerGroup`, else one derived from the source's uid. */
export function consumerGroupOf(source: KafkaSource): string {
  return source.spec.consumerGroup ?? `knative-kafka-source-${source.metadata.uid ?? source.metadata.name}`;
}

/**
 * The source's delivery policy: its `delivery` spec, or, without one, the quick retries every
 * Denative source uses (a Service that is starting is not lost to a single failed attempt).
 */
export function deliveryPolicyOf(source: KafkaSource): DeliveryPolicy {
  if (source.spec.delivery === undefined) {
    return { retry: SOURCE_DELIVERY_POLICY.attempts - 1, ...SOURCE_DELIVERY_POLICY };
  }
  return resolveDeliveryPolicy(source.spec.delivery as DeliverySpec);
}

export function lagThresholdOf(source: KafkaSource): number {
  const raw = source.metadata.annotations?.[LAG_THRESHOLD_ANNOTATION];
  const n = Number(raw);
  return raw !== undefined && n > 0 ? n : DEFAULT_LAG_THRESHOLD;
}

export function keyTypeOf(source: KafkaSource): KeyType {
  const raw = source.metadata.annotations?.[KEY_TYPE_ANNOTATION];
  return (KEY_TYPES as readonly string[]).includes(raw ?? "") ? raw as KeyType : "string";
}

/** Why the source cannot connect as configured (TLS or SASL asked for), or undefined. */
export function unsupportedNet(source: KafkaSource): string | undefined {
  const net = source.spec.net;
  const wanted = [net?.tls?.enable ? "TLS" : "", net?.sasl?.enable ? "SASL" : ""].filter(Boolean);
  if (wanted.length === 0) return undefined;
  return `spec.net asks for ${wanted.join(" and ")}, which Denative does not support yet: ` +
    "the source is stored but does not connect";
}
