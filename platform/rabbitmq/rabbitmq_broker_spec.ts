/**
 * eventing-rabbitmq's Broker class `RabbitMQBroker` and its config: a Broker whose `spec.config`
 * points at a `RabbitmqBrokerConfig` (`eventing.knative.dev/v1alpha1`: `rabbitmqClusterReference`,
 * `queueType`) or, in the older shape, straight at a `RabbitmqCluster` (`rabbitmq.com/v1beta1`);
 * the config's namespace defaults to the Broker's (Knative's defaulter). A Trigger of such a broker
 * may carry `rabbitmq.eventing.knative.dev/parallelism` (1..1000). Validated as eventing-rabbitmq's
 * webhooks do. Names of the exchanges and queues the broker uses live here too.
 */
import { z } from "zod";
import { type KObject, ObjectMeta } from "../resources/meta.ts";
import { type FieldError, zodFieldErrors } from "../resources/field_errors.ts";
import { checkClusterReference } from "./rabbitmq_source.ts";
import type { ClusterReference } from "./rabbitmq_connection_uri.ts";

export const RABBITMQ_BROKER_CLASS = "RabbitMQBroker";
export const PARALLELISM_ANNOTATION = "rabbitmq.eventing.knative.dev/parallelism";
const CLASS_ANNOTATION = "eventing.knative.dev/broker.class";
const BROKER_CONFIG = { apiVersion: "eventing.knative.dev/v1alpha1", kind: "RabbitmqBrokerConfig" };
const CLUSTER = { apiVersion: "rabbitmq.com/v1beta1", kind: "RabbitmqCluster" };

type Annotated = Pick<KObject, "metadata">;

export function isRabbitmqClass(broker: Annotated): boolean {
  return broker.metadata.annotations?.[CLASS_ANNOTATION] === RABBITMQ_BROKER_CLASS;
}

export interface RabbitmqBrokerConfig extends KObject {
  spec: { rabbitmqClusterReference: ClusterReference; queueType?: string; [k: string]: unknown };
}

const RabbitmqBrokerConfigDocument = z.looseObject({
  apiVersion: z.literal(BROKER_CONFIG.apiVersion),
  kind: z.literal(BROKER_CONFIG.kind),
  metadata: ObjectMeta,
  spec: z.looseObject({
    rabbitmqClusterReference: z.looseObject({
      name: z.string({ error: "must be a string" }).optional(),
      namespace: z.string({ error: "must be a string" }).optional(),
      connectionSecret: z.looseObject({ name: z.string({ error: "is required" }).min(1) }).optional(),
    }, { error: "is required" }),
    queueType: z.enum(["classic", "quorum"], { error: 'must be "classic" or "quorum"' }).optional(),
  }, { error: "is required" }),
});

export function parseRabbitmqBrokerConfig(
  doc: unknown,
): { object: RabbitmqBrokerConfig; errors: FieldError[] } {
  const parsed = RabbitmqBrokerConfigDocument.safeParse(doc);
  if (!parsed.success) return { object: doc as RabbitmqBrokerConfig, errors: zodFieldErrors(parsed.error) };
  const config = parsed.data as unknown as RabbitmqBrokerConfig;
  return {
    object: config,
    errors: checkClusterReference(config.spec.rabbitmqClusterReference, "spec.rabbitmqClusterReference"),
  };
}

/** A RabbitMQBroker's `spec.config` checks (the namespace filled in); other classes: none. */
export function validateRabbitmqBroker(
  broker: KObject & { spec?: { config?: Record<string, unknown> } },
): FieldError[] {
  if (!isRabbitmqClass(broker)) return [];
  const config = broker.spec?.config;
  if (!config) return [{ path: "spec.config", message: "is required for a RabbitMQBroker" }];
  const errors: FieldError[] = [];
  for (const field of ["name", "kind", "apiVersion"]) {
    if (typeof config[field] !== "string" || config[field] === "") {
      errors.push({ path: `spec.config.${field}`, message: "is required" });
    }
  }
  const allowed = [BROKER_CONFIG, CLUSTER].some((k) =>
    k.kind === config.kind && k.apiVersion === config.apiVersion
  );
  if (errors.length === 0 && !allowed) {
    errors.push({
      path: "spec.config",
      message:
        `must be a ${BROKER_CONFIG.kind} (${BROKER_CONFIG.apiVersion}) or a ${CLUSTER.kind} (${CLUSTER.apiVersion})`,
    });
  }
  config.namespace ??= broker.metadata.namespace;
  return errors;
}

/** The Trigger annotation's check (any trigger may carry it; it matters on RabbitMQ brokers). */
export function validateParallelismAnnotation(trigger: Annotated): FieldError[] {
  const raw = trigger.metadata.annotations?.[PARALLELISM_ANNOTATION];
  if (raw === undefined) return [];
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 1 && n <= 1000) return [];
  return [{
    path: `metadata.annotations[${PARALLELISM_ANNOTATION}]`,
    message: `must be a whole number in 1..1000, not "${raw}"`,
  }];
}

export function parallelismOfTrigger(trigger: Annotated): number {
  const n = Number(trigger.metadata.annotations?.[PARALLELISM_ANNOTATION]);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/**
 * The cluster reference a broker's config leads to: the RabbitmqBrokerConfig's, or the
 * RabbitmqCluster named directly; undefined with why when the config object is missing.
 */
export function clusterReferenceOf(
  broker: KObject & { spec?: { config?: Record<string, unknown> } },
  lookupConfig: (namespace: string, name: string) => RabbitmqBrokerConfig | undefined,
): ClusterReference | { error: string } {
  const config = broker.spec?.config ?? {};
  const name = String(config.name ?? "");
  const namespace = String(config.namespace ?? broker.metadata.namespace);
  if (config.kind === CLUSTER.kind) return { name, namespace };
  const found = lookupConfig(namespace, name);
  if (!found) {
    return { error: `the RabbitmqBrokerConfig "${name}" in namespace "${namespace}" does not exist` };
  }
  const ref = found.spec.rabbitmqClusterReference;
  return ref.connectionSecret
    ? { connectionSecret: ref.connectionSecret }
    : { name: ref.name, namespace: ref.namespace ?? namespace };
}

export const brokerExchange = (ns: string, name: string) => `knative-broker-${ns}-${name}`;
export const deadLetterExchange = (ns: string, name: string) => `knative-broker-${ns}-${name}-dlx`;
export const triggerQueue = (ns: string, name: string) => `knative-trigger-${ns}-${name}`;
export const deadLetterQueue = (ns: string, name: string) => `knative-trigger-${ns}-${name}-dlq`;
