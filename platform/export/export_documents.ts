/**
 * What `dn export` writes for each object: the Knative document as it would be applied to a cluster, with
 * what only Denative knows translated where Knative (or KEDA) has an equivalent and otherwise noted.
 * Pure: objects in, documents and notes out.
 */
import { BINDING_ENV_NAMES, BOUND_BY_ANNOTATION } from "../eventing/sources/sink_binding.ts";
import { SCHEDULE_ANNOTATION } from "../autoscaler/schedule_annotation.ts";
import { parseScheduleAnnotation } from "../autoscaler/schedule_annotation.ts";

export type Doc = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string>; [k: string]: unknown };
};

/** An exported document, with the comment that goes above it in its YAML file. */
export interface ExportedDoc {
  doc: Doc;
  notes: string[];
}

/** Metadata the API server sets; a document to apply must not carry it. */
const SERVER_METADATA = [
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "managedFields",
  "selfLink",
  "deletionTimestamp",
  "finalizers",
  "ownerReferences",
];

/** Denative annotations Knative has no use for, and what they did. */
const DENATIVE_ONLY: Record<string, string> = {
  "autoscaling.denative.dev/lag-threshold":
    "the Kafka lag per instance Denative scales on; with KEDA, set lagThreshold on a kafka trigger instead",
};

/** A copy without status and server-set metadata. */
export function cleanDocument(obj: Doc): Doc {
  const doc = structuredClone(obj);
  delete doc.status;
  for (const field of SERVER_METADATA) delete doc.metadata[field];
  if (doc.metadata.annotations && Object.keys(doc.metadata.annotations).length === 0) {
    delete doc.metadata.annotations;
  }
  return doc;
}

interface ServiceShape {
  spec: {
    template: {
      metadata?: { name?: string; annotations?: Record<string, string> };
      spec: { containers: { image?: string; env?: { name: string }[] }[] };
    };
    traffic?: { revisionName?: string; latestRevision?: boolean; percent?: number; tag?: string }[];
  };
}

/**
 * A Service for Knative: its image is the one the export's Containerfile builds, traffic goes to the
 * latest revision (the older revisions' code is not in the export), and what a SinkBinding put into its
 * environment is left for the cluster's SinkBinding to inject.
 */
export function exportService(obj: Doc, image: string): ExportedDoc {
  const doc = cleanDocument(obj);
  const svc = doc as unknown as Doc & ServiceShape;
  const notes: string[] = [];
  const template = svc.spec.template;
  const container = template.spec.containers[0];
  container.image = image;
  if (svc.metadata.annotations?.[BOUND_BY_ANNOTATION] !== undefined) {
    container.env = (container.env ?? []).filter((e) => !BINDING_ENV_NAMES.includes(e.name));
    if (container.env.length === 0) delete container.env;
    notes.push(
      `K_SINK was set by SinkBinding ${svc.metadata.annotations[BOUND_BY_ANNOTATION]}; ` +
        "the exported SinkBinding sets it on the cluster.",
    );
    delete svc.metadata.annotations[BOUND_BY_ANNOTATION];
    if (Object.keys(svc.metadata.annotations).length === 0) delete svc.metadata.annotations;
  }
  // A pinned revision name would collide with nothing on a new cluster, but it names Denative's history.
  if (template.metadata?.name) delete template.metadata.name;
  const traffic = svc.spec.traffic;
  if (traffic && traffic.some((t) => t.revisionName !== undefined)) {
    const tags = traffic.filter((t) => t.latestRevision && t.tag).map((t) => ({ ...t, percent: 0 }));
    svc.spec.traffic = [{ latestRevision: true, percent: 100 }, ...tags];
    notes.push(
      `Traffic was split over named revisions (${
        traffic.map((t) => `${t.revisionName ?? "@latest"}=${t.percent ?? 0}%`).join(", ")
      }); only the latest revision's code is exported, so it gets 100%.`,
    );
  }
  const annotations = template.metadata?.annotations ?? {};
  for (const [key, what] of Object.entries(DENATIVE_ONLY)) {
    if (annotations[key] !== undefined) notes.push(`${key}: Knative ignores it (${what}).`);
  }
  if (annotations[SCHEDULE_ANNOTATION] !== undefined) {
    notes.push(
      `${SCHEDULE_ANNOTATION}: Knative ignores it; the scheduled floors are in the KEDA ScaledObject ` +
        `${svc.metadata.name}-schedule beside this file.`,
    );
  }
  return { doc, notes };
}

/** A Service document's (first) container. */
export function serviceContainer(obj: Doc): { image?: string; env?: { name: string }[] } {
  return (obj as unknown as ServiceShape).spec.template.spec.containers[0] ?? {};
}

/** Names of the Deployment Knative makes for a Service's first revision on a new cluster. */
export function firstRevisionDeployment(service: string): string {
  return `${service}-00001-deployment`;
}

/**
 * Scheduled floors as a KEDA ScaledObject with one cron trigger per window (KEDA's cron takes five
 * fields: a leading seconds field is dropped, with a note), or undefined when the Service has none.
 */
export function scheduleScaledObject(obj: Doc): ExportedDoc | undefined {
  const svc = obj as unknown as Doc & ServiceShape;
  const text = svc.spec.template.metadata?.annotations?.[SCHEDULE_ANNOTATION];
  if (text === undefined) return undefined;
  const parsed = parseScheduleAnnotation(text);
  if (!parsed.ok || parsed.windows.length === 0) return undefined;
  const notes = [
    "Scheduled floors of the Denative Service, as KEDA cron triggers. It scales the Deployment of the",
    "Service's first revision: use it with Knative's HPA class or the KEDA autoscaler extension",
    "(autoscaling.knative.dev/class: keda.autoscaling.knative.dev), and rename the target after a new revision.",
  ];
  const fiveFields = (cron: string) => {
    const fields = cron.trim().split(/\s+/);
    if (fields.length === 6) {
      notes.push(`"${cron}": its seconds field is dropped (KEDA's cron has five fields).`);
      return fields.slice(1).join(" ");
    }
    return fields.join(" ");
  };
  const doc: Doc = {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: { name: `${svc.metadata.name}-schedule`, namespace: svc.metadata.namespace },
    spec: {
      scaleTargetRef: {
        apiVersion: "apps/v1",
        kind: "Deployment",
        name: firstRevisionDeployment(svc.metadata.name),
      },
      minReplicaCount: 0,
      triggers: parsed.windows.map((w) => ({
        type: "cron",
        metadata: {
          timezone: w.timezone,
          start: fiveFields(w.start),
          end: fiveFields(w.end),
          desiredReplicas: String(w.minScale),
        },
      })),
    },
  };
  return { doc, notes };
}

/** A Secret becomes a reference: its name and keys, never its values. */
export interface SecretReference {
  namespace: string;
  name: string;
  keys: string[];
}

export function secretReference(obj: Doc): SecretReference {
  const data = (obj as { data?: Record<string, string> }).data ?? {};
  return {
    namespace: obj.metadata.namespace ?? "default",
    name: obj.metadata.name,
    keys: Object.keys(data).sort(),
  };
}
