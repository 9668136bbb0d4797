/** Knative's `serving.knative.dev/v1` Service: the schema, Knative's defaulting and its validation. */
import { z } from "zod";
import { CLOSED_IN_OPENAPI, type Condition, DnsLabel, type KObject, ObjectMeta } from "./meta.ts";
import { type FieldError, zodFieldErrors } from "./field_errors.ts";
import { cpuLimitProblem, memoryLimitProblem } from "./quantity.ts";

export const SERVING_API_VERSION = "serving.knative.dev/v1";

export const EnvVar = z.looseObject({
  name: z.string().min(1, "must not be empty"),
  value: z.string().optional(),
  valueFrom: z.looseObject({
    secretKeyRef: z.looseObject({
      name: z.string().min(1),
      key: z.string().min(1),
      optional: z.boolean().optional(),
    }).optional(),
  }).optional(),
});
export type EnvVar = z.infer<typeof EnvVar>;

/**
 * `resources.limits`: a map of quantities, as in Knative's schema; `memory` is the isolate's heap limit
 * (past it the instance is replaced), `cpu` CPU time per request per second of wall time (500m = 0.5 s/s).
 */
export const ResourceLimits = z.record(z.string(), z.union([z.string(), z.number()])).superRefine(
  (limits, ctx) => {
    for (const [key, problem] of [["memory", memoryLimitProblem], ["cpu", cpuLimitProblem]] as const) {
      const value = limits[key];
      const why = value === undefined ? null : problem(value);
      if (why) ctx.addIssue({ code: "custom", message: why, path: [key] });
    }
  },
).describe(
  "memory: the isolate's heap limit (e.g. 64Mi); cpu: CPU time per request per second (500m = 0.5 s/s).",
);
export type ResourceLimits = z.infer<typeof ResourceLimits>;

export const Container = z.looseObject({
  name: z.string().optional(),
  image: z.string().optional().describe(
    "The code bundle to run: bundle:sha256:<digest> (from POST /bundles).",
  ),
  env: z.array(EnvVar).optional().describe("Environment variables the function reads (Deno.env)."),
  volumeMounts: z.array(z.looseObject({
    name: z.string().min(1, "must name one of spec.volumes"),
    mountPath: z.string().regex(/^\/(?!.*(^|\/)\.\.?(\/|$))/, "must be an absolute path without '.' or '..'"),
    readOnly: z.boolean().optional(),
  })).optional().describe("Where the revision's volumes appear in the function's file system."),
  resources: z.looseObject({
    limits: ResourceLimits.optional(),
    requests: z.looseObject({}).optional(),
  }).optional().describe("limits.memory and limits.cpu are enforced per instance and per request."),
}).describe("The function's container; its image is a code bundle reference (bundle:sha256:...).");
export type Container = z.infer<typeof Container>;

export const RevisionSpec = z.looseObject({
  containerConcurrency: z.number().int().min(0, "must be between 0 and 1000").max(
    1000,
    "must be between 0 and 1000",
  )
    .optional().describe("Requests one instance handles at once; 0 is no limit."),
  timeoutSeconds: z.number().int().min(1, "must be between 1 and 600").max(600, "must be between 1 and 600")
    .optional().describe("How long a request may take to start answering, seconds (default 300)."),
  responseStartTimeoutSeconds: z.number().int().min(0).max(600).optional(),
  idleTimeoutSeconds: z.number().int().min(0).max(600).optional(),
  volumes: z.array(z.looseObject({
    name: z.string().min(1),
    secret: z.looseObject({ secretName: z.string().min(1), optional: z.boolean().optional() }).optional(),
    configMap: z.looseObject({ name: z.string().min(1), optional: z.boolean().optional() }).optional(),
    emptyDir: z.looseObject({}).optional(),
  })).optional().describe(
    "secret, configMap (read-only files) and emptyDir (a per-instance writable directory).",
  ),
  containers: z.array(Container, { error: "is required: a list with one container" }).min(
    1,
    "must hold one container",
  ).max(1, "Denative runs one container (the function) per revision")
    .describe("Exactly one container: the function."),
}).describe("The revision to stamp out: its container and request limits.");
export type RevisionSpec = z.infer<typeof RevisionSpec>;

export const RevisionTemplate = z.looseObject({
  metadata: z.looseObject({
    name: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }).optional(),
  spec: RevisionSpec,
}).describe("The template each new Revision is made from; changing it makes a new Revision.");
export type RevisionTemplate = z.infer<typeof RevisionTemplate>;

export const TrafficTarget = z.looseObject({
  tag: DnsLabel.optional().describe(
    "Names a URL (tag-service.namespace.domain) that reaches this target only.",
  ),
  revisionName: z.string().min(1).optional().describe("The Revision that gets this share of traffic."),
  configurationName: z.string().optional(),
  latestRevision: z.boolean().optional().describe("Follow the latest ready Revision instead of a named one."),
  percent: z.number().int().min(0, "must be between 0 and 100").max(100, "must be between 0 and 100")
    .optional().describe("Share of requests, 0 to 100; all targets add up to 100."),
  url: z.string().optional(),
}).meta(CLOSED_IN_OPENAPI);
export type TrafficTarget = z.infer<typeof TrafficTarget>;

export const ServiceSpec = z.looseObject({
  template: RevisionTemplate,
  traffic: z.array(TrafficTarget).optional()
    .describe("How requests split between Revisions; by default all go to the latest ready one."),
}).meta(CLOSED_IN_OPENAPI).describe("A Service's desired state: its revision template and traffic split.");
export type ServiceSpec = z.infer<typeof ServiceSpec>;

export const ServiceDocument = z.looseObject({
  apiVersion: z.literal(SERVING_API_VERSION),
  kind: z.literal("Service"),
  metadata: ObjectMeta,
  spec: ServiceSpec,
}).describe(
  "A Knative Service: a function with its revisions and the route that splits traffic between them.",
);

export interface ResolvedTrafficTarget {
  tag?: string;
  revisionName: string;
  configurationName?: string;
  latestRevision: boolean;
  percent: number;
  url?: string;
}

export interface ServiceStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  url?: string;
  address?: { url: string };
  latestCreatedRevisionName?: string;
  latestReadyRevisionName?: string;
  traffic?: ResolvedTrafficTarget[];
}

export interface Service extends KObject {
  spec: ServiceSpec;
  status?: ServiceStatus;
}

/** Knative's defaults: one 100% target that follows the latest ready revision. */
export function defaultTraffic(traffic: TrafficTarget[] | undefined): TrafficTarget[] {
  if (!traffic || traffic.length === 0) return [{ latestRevision: true, percent: 100 }];
  return traffic.map((t) => ({
    ...t,
    latestRevision: t.latestRevision ?? (t.revisionName ? false : true),
  }));
}

/** The rules zod cannot express alone. `prefix` is where traffic lives (`spec` for a Service). */
export function validateTraffic(traffic: TrafficTarget[], prefix: string, serviceName: string): FieldError[] {
  const errors: FieldError[] = [];
  const tags = new Map<string, number>();
  let sum = 0;
  traffic.forEach((t, i) => {
    const at = `${prefix}.traffic[${i}]`;
    if (t.latestRevision === true && t.revisionName) {
      errors.push({
        path: `${at}.revisionName`,
        message: "may not be set together with latestRevision: true",
      });
    }
    if (t.latestRevision !== true && !t.revisionName) {
      errors.push({ path: at, message: "needs revisionName or latestRevision: true" });
    }
    if (t.latestRevision === false && !t.revisionName) {
      errors.push({ path: `${at}.revisionName`, message: "is required when latestRevision is false" });
    }
    if (t.configurationName && t.configurationName !== serviceName) {
      errors.push({ path: `${at}.configurationName`, message: "may not be set on a Service's traffic" });
    }
    if (t.tag) {
      const seen = tags.get(t.tag);
      if (seen !== undefined) {
        errors.push({ path: `${at}.tag`, message: `"${t.tag}" is already used by traffic[${seen}]` });
      }
      tags.set(t.tag, i);
    }
    sum += t.percent ?? 0;
  });
  if (traffic.length > 0 && sum !== 100) {
    errors.push({ path: `${prefix}.traffic`, message: `percents must add up to 100, they add up to ${sum}` });
  }
  return errors;
}

/** Checks a revision template beyond its shape (the autoscaler's annotations). Paths from `spec.template`. */
export type TemplateValidator = (template: RevisionTemplate) => FieldError[];

/**
 * Parses and validates a Service document. Unknown fields are kept (real Knative documents carry
 * probes, volumes, resources...) and ignored.
 */
export function parseService(
  doc: unknown,
  validateTemplate: TemplateValidator = () => [],
): { service: Service; errors: FieldError[] } {
  const parsed = ServiceDocument.safeParse(doc);
  if (!parsed.success) return { service: doc as Service, errors: zodFieldErrors(parsed.error) };
  const service = parsed.data as unknown as Service;
  const name = service.metadata.name ?? "";
  const errors: FieldError[] = [];
  if (!service.metadata.name) errors.push({ path: "metadata.name", message: "is required" });
  const templateName = service.spec.template.metadata?.name;
  if (templateName && !templateName.startsWith(`${name}-`)) {
    errors.push({
      path: "spec.template.metadata.name",
      message: `must start with the Service's name followed by '-' ("${name}-...")`,
    });
  }
  service.spec.template.spec.containers.forEach((c, i) => {
    c.env?.forEach((e, j) => {
      if (e.value !== undefined && e.valueFrom) {
        errors.push({
          path: `spec.template.spec.containers[${i}].env[${j}]`,
          message: "may not set both value and valueFrom",
        });
      }
    });
  });
  errors.push(...validateTraffic(defaultTraffic(service.spec.traffic), "spec", name));
  errors.push(...validateTemplate(service.spec.template));
  return { service, errors };
}
