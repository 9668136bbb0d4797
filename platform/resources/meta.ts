/** Kubernetes object metadata and status conditions, as Knative uses them. */
import { z } from "zod";

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS-1035 label: what Knative requires of Service names and traffic tags. */
export const DnsLabel = z.string().max(63, "must be at most 63 characters").regex(
  DNS_LABEL,
  "must be a DNS label: lowercase letters, digits and '-', starting with a letter",
);

/**
 * Zod metadata for a `looseObject` whose unknown keys Knative's own schema refuses: the OpenAPI
 * derived from it (platform/api/k8s/openapi.ts) describes it as closed, so kubectl's strict field
 * validation catches a misspelt key, while the platform itself still keeps and ignores it.
 */
export const CLOSED_IN_OPENAPI = { "x-kubernetes-preserve-unknown-fields": false } as const;

export const ObjectMeta = z.looseObject({
  name: DnsLabel.optional(),
  namespace: DnsLabel.optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  uid: z.string().optional(),
  generation: z.number().int().optional(),
  resourceVersion: z.string().optional(),
  creationTimestamp: z.string().optional(),
  ownerReferences: z.array(z.looseObject({})).optional(),
});
export type ObjectMeta = z.infer<typeof ObjectMeta>;

export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  severity?: string;
}

/** The minimum every stored object has. */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta & { name: string; namespace: string };
  spec?: unknown;
  status?: { observedGeneration?: number; conditions?: Condition[] };
  [k: string]: unknown;
}

/** Sets a condition, keeping its transition time when its status did not change. */
export function setCondition(conditions: Condition[] | undefined, next: Condition, now: Date): Condition[] {
  const list = [...(conditions ?? [])];
  const idx = list.findIndex((c) => c.type === next.type);
  const prev = idx >= 0 ? list[idx] : undefined;
  const merged: Condition = {
    ...next,
    lastTransitionTime: prev && prev.status === next.status ? prev.lastTransitionTime : now.toISOString(),
  };
  if (!merged.reason) delete merged.reason;
  if (!merged.message) delete merged.message;
  if (idx >= 0) list[idx] = merged;
  else list.push(merged);
  return list.sort((a, b) => a.type.localeCompare(b.type));
}

export function getCondition(
  obj: { status?: { conditions?: Condition[] } },
  type: string,
): Condition | undefined {
  return obj.status?.conditions?.find((c) => c.type === type);
}

export function isReady(obj: { status?: { conditions?: Condition[] } }): boolean {
  return getCondition(obj, "Ready")?.status === "True";
}
