/**
 * Knative's KafkaSink (`eventing.knative.dev/v1alpha1`): an address that writes each CloudEvent it
 * receives to a Kafka topic, in the Kafka binding's binary (default) or structured content mode.
 * Schema, defaults and validation; `auth` is stored but not supported (the sink reports it).
 * With `numPartitions` and `replicationFactor` both set, the sink creates its topic when it is
 * missing, as Knative's does; otherwise the topic must exist (`TopicReady` says whether it does).
 */
import { z } from "zod";
import { CLOSED_IN_OPENAPI, type Condition, type KObject, ObjectMeta } from "../resources/meta.ts";
import { type FieldError, zodFieldErrors } from "../resources/field_errors.ts";

export const EVENTING_V1ALPHA1 = "eventing.knative.dev/v1alpha1";
export const KAFKA_SINK_PATH_PREFIX = "/kafkasink";

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const BOOTSTRAP_SERVER = /^[^\s,:]+:\d{1,5}$/;

const KafkaSinkSpec = z.looseObject({
  topic: z.string({ error: "is required" }).refine(
    (t) => TOPIC_NAME.test(t) && t !== "." && t !== "..",
    "must be a Kafka topic name: 1-249 of a-z, A-Z, 0-9, '.', '_' and '-'",
  ).describe("The topic each event is written to."),
  bootstrapServers: z.array(z.string({ error: "must be a string" }), { error: "is required" })
    .min(1, "is required: at least one host:port").describe("Kafka brokers to connect to, host:port."),
  contentMode: z.enum(["binary", "structured"], { error: 'must be "binary" or "structured"' }).optional()
    .describe("How events are written: binary (default: attributes as headers) or structured."),
  numPartitions: z.int({ error: "must be a positive integer" }).min(1, "must be a positive integer")
    .optional(),
  replicationFactor: z.int({ error: "must be a positive integer" }).min(1, "must be a positive integer")
    .optional(),
  auth: z.looseObject({}).optional().describe("TLS/SASL settings; stored, not supported yet."),
}).meta(CLOSED_IN_OPENAPI).describe("The topic, the brokers and the content mode.");
export type KafkaSinkSpec = z.infer<typeof KafkaSinkSpec>;

export const KafkaSinkDocument = z.looseObject({
  apiVersion: z.literal(EVENTING_V1ALPHA1),
  kind: z.literal("KafkaSink"),
  metadata: ObjectMeta,
  spec: KafkaSinkSpec,
}).describe("A Knative KafkaSink: an address that writes the events it receives to a Kafka topic.");

export interface KafkaSinkStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  /** Where events are POSTed. */
  address?: { url: string };
  [field: string]: unknown;
}

export interface KafkaSink extends KObject {
  spec: KafkaSinkSpec & { contentMode: "binary" | "structured" };
  status?: KafkaSinkStatus;
}

/** Validates a KafkaSink and fills Knative's default content mode (binary). */
export function parseKafkaSink(doc: unknown): { sink: KafkaSink; errors: FieldError[] } {
  const parsed = KafkaSinkDocument.safeParse(doc);
  if (!parsed.success) return { sink: doc as KafkaSink, errors: zodFieldErrors(parsed.error) };
  const sink = parsed.data as unknown as KafkaSink;
  const spec = sink.spec;
  spec.contentMode ??= "binary";
  spec.bootstrapServers = spec.bootstrapServers.flatMap((s) => s.split(",")).map((s) => s.trim()).filter(
    Boolean,
  );
  const errors: FieldError[] = [];
  spec.bootstrapServers.forEach((server, i) => {
    if (!BOOTSTRAP_SERVER.test(server)) {
      errors.push({ path: `spec.bootstrapServers[${i}]`, message: `"${server}" is not host:port` });
    }
  });
  if (spec.bootstrapServers.length === 0) {
    errors.push({ path: "spec.bootstrapServers", message: "is required: at least one host:port" });
  }
  return { sink, errors };
}

/** The topic to create when it is missing: only when both sizes are given, as Knative does. */
export function topicToCreate(
  sink: KafkaSink,
): { partitions: number; replicationFactor: number } | undefined {
  const { numPartitions, replicationFactor } = sink.spec;
  return numPartitions !== undefined && replicationFactor !== undefined
    ? { partitions: numPartitions, replicationFactor }
    : undefined;
}

/** Why the sink cannot connect as configured (`auth` given), or undefined. */
export function unsupportedAuth(sink: KafkaSink): string | undefined {
  const auth = sink.spec.auth;
  if (!auth || Object.keys(auth).length === 0) return undefined;
  return "spec.auth (TLS/SASL) is stored but Denative does not support it yet: the sink connects in plaintext";
}

export function kafkaSinkPath(namespace: string, name: string): string {
  return `${KAFKA_SINK_PATH_PREFIX}/${namespace}/${name}`;
}
