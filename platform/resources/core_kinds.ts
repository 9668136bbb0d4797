/**
 * The core `v1` kinds beside Secrets: Namespaces (cluster-scoped; deleting one deletes what is in
 * it) and ConfigMaps (stored as they are, for tools that keep configuration next to Services).
 */
import { z } from "zod";
import type { KindInfo } from "./kinds.ts";
import type { KObject } from "./meta.ts";
import { zodFieldErrors } from "./field_errors.ts";
import { DnsLabel } from "./meta.ts";

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

const Labels = z.record(z.string(), z.string());

export const NamespaceDocument = z.looseObject({
  apiVersion: z.literal("v1"),
  kind: z.literal("Namespace"),
  metadata: z.looseObject({ name: DnsLabel, labels: Labels.optional(), annotations: Labels.optional() }),
  spec: z.looseObject({ finalizers: z.array(z.string()).optional() }).optional(),
});

export const ConfigMapDocument = z.looseObject({
  apiVersion: z.literal("v1"),
  kind: z.literal("ConfigMap"),
  metadata: z.looseObject({
    name: z.string().max(253).regex(
      DNS_SUBDOMAIN,
      "must be a DNS subdomain: lowercase letters, digits, '-' and '.'",
    ),
    labels: Labels.optional(),
    annotations: Labels.optional(),
  }),
  immutable: z.boolean().optional(),
  data: z.record(z.string().regex(CONFIG_KEY, "keys must be alphanumeric, '-', '_' or '.'"), z.string())
    .optional(),
  binaryData: z.record(z.string().regex(CONFIG_KEY, "keys must be alphanumeric, '-', '_' or '.'"), z.base64())
    .optional(),
});

function parseWith(schema: z.ZodType) {
  return (doc: unknown) => {
    const parsed = schema.safeParse(doc);
    return parsed.success
      ? { object: parsed.data as KObject, errors: [] }
      : { object: doc as KObject, errors: zodFieldErrors(parsed.error) };
  };
}

export function namespaceKind(): KindInfo {
  return {
    group: "",
    version: "v1",
    plural: "namespaces",
    kind: "Namespace",
    clusterScoped: true,
    schema: NamespaceDocument,
    parse: parseWith(NamespaceDocument),
    // Deletion is immediate here, so a stored namespace is always active.
    present: (obj) => ({ ...obj, status: { phase: "Active" } }) as KObject,
  };
}

export function configMapKind(): KindInfo {
  return {
    group: "",
    version: "v1",
    plural: "configmaps",
    kind: "ConfigMap",
    schema: ConfigMapDocument,
    parse: parseWith(ConfigMapDocument),
  };
}
