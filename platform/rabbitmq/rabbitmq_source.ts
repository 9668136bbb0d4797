/**
 * eventing-rabbitmq's RabbitmqSource (`sources.knative.dev/v1alpha1`): `rabbitmqClusterReference`
 * (`name` [+ `namespace`] of a RabbitmqCluster, or a `connectionSecret`; not both),
 * `rabbitmqResourcesConfig` (`exchangeName`, `queueName`, `predeclared`, `parallelism` 1..1000,
 * `vhost`), `delivery`, `sink`; Denative adds `ceOverrides`. Validated as eventing-rabbitmq's
 * webhook does. Without Kubernetes there is no RabbitmqCluster: see `rabbitmq_connection_uri.ts` for
 * how either reference becomes an AMQP URI.
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

export const RABBITMQ_EVENT_TYPE = "dev.knative.rabbitmq.event";
export const DEFAULT_PARALLELISM = 1;

const ClusterReference = z.looseObject({
  name: z.string({ error: "must be a string" }).optional(),
  namespace: z.string({ error: "must be a string" }).optional(),
  connectionSecret: z.looseObject({ name: z.string({ error: "is required" }).min(1, "must not be empty") })
    .optional(),
}, { error: "is required" });

const ResourcesConfig = z.looseObject({
  predeclared: z.boolean({ error: "must be true or false" }).optional(),
  exchangeName: z.string({ error: "must be a string" }).optional(),
  queueName: z.string({ error: "must be a string" }).optional(),
  parallelism: z.int({ error: "must be a whole number" }).min(1, "must be between 1 and 1000").max(
    1000,
    "must be between 1 and 1000",
  ).optional(),
  vhost: z.string({ error: "must be a string" }).optional(),
}, { error: "is required" });

const RabbitmqSourceSpec = z.looseObject({
  rabbitmqClusterReference: ClusterReference.describe(
    "The RabbitMQ to read from: a RabbitmqCluster name or a connectionSecret (not both).",
  ),
  rabbitmqResourcesConfig: ResourcesConfig.describe(
    "The exchange and queue (predeclared or made by the source), parallelism and vhost.",
  ),
  delivery: viewedAs(deliverySpecSchema).optional().describe("Retries, backoff and dead-letter sink."),
  sink: SinkSchema,
  ceOverrides: CeOverridesSchema.optional(),
}).describe("The RabbitMQ connection, the queue to consume and where events go.");

export const RabbitmqSourceDocument = z.looseObject({
  apiVersion: z.literal(SOURCES_V1ALPHA1),
  kind: z.literal("RabbitmqSource"),
  metadata: SourceMeta,
  spec: RabbitmqSourceSpec,
}).describe("A RabbitmqSource: the messages of a RabbitMQ queue as CloudEvents.");

export interface RabbitmqSource extends KObject {
  spec: z.infer<typeof RabbitmqSourceSpec> & { delivery?: DeliverySpec };
  status?: SourceStatus;
}

/** The cluster reference's rule, shared with the RabbitMQ broker's config: a name or a Secret, not both. */
export function checkClusterReference(
  ref: { name?: string; connectionSecret?: unknown } | undefined,
  path: string,
): FieldError[] {
  if (ref?.name && ref.connectionSecret) {
    return [{
      path: `${path}.connectionSecret`,
      message:
        "rabbitmqClusterReference.name and rabbitmqClusterReference.connectionSecret must not be set simultaneously",
    }];
  }
  if (!ref?.name && !ref?.connectionSecret) {
    return [{ path, message: "expected exactly one of name or connectionSecret, got neither" }];
  }
  return [];
}

export function parseRabbitmqSource(doc: unknown): { object: RabbitmqSource; errors: FieldError[] } {
  const parsed = RabbitmqSourceDocument.safeParse(doc);
  if (!parsed.success) return { object: doc as RabbitmqSource, errors: zodFieldErrors(parsed.error) };
  const source = parsed.data as unknown as RabbitmqSource;
  const { spec } = source;
  const errors: FieldError[] = [];
  if (!source.metadata.name) errors.push({ path: "metadata.name", message: "is required" });
  errors.push(...checkClusterReference(spec.rabbitmqClusterReference, "spec.rabbitmqClusterReference"));
  const config = spec.rabbitmqResourcesConfig;
  if (!config.predeclared && !config.exchangeName) {
    errors.push({
      path: "spec.rabbitmqResourcesConfig.exchangeName",
      message: "is required unless predeclared",
    });
  }
  if (config.predeclared && !config.queueName) {
    errors.push({ path: "spec.rabbitmqResourcesConfig.queueName", message: "is required when predeclared" });
  }
  if (spec.delivery !== undefined) {
    const checked = checkDelivery(spec.delivery, "spec.delivery");
    errors.push(...checked.errors);
    if (checked.delivery) spec.delivery = checked.delivery;
  }
  return { object: source, errors };
}

/** The queue the source reads: `queueName`, else one named after the source. */
export function queueOf(source: RabbitmqSource): string {
  return source.spec.rabbitmqResourcesConfig.queueName ||
    `knative-rabbitmq-source-${source.metadata.namespace}-${source.metadata.name}`;
}

export function parallelismOf(source: RabbitmqSource): number {
  return source.spec.rabbitmqResourcesConfig.parallelism ?? DEFAULT_PARALLELISM;
}

export function rabbitmqEventSource(source: RabbitmqSource): string {
  return `/apis/v1/namespaces/${source.metadata.namespace}/rabbitmqsources/${source.metadata.name}`;
}
