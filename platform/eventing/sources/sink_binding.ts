/**
 * Knative's `sources.knative.dev/v1` SinkBinding: schema, validation, and the pure env mutation.
 * Knative's binding webhook adds `K_SINK` (the resolved sink URL) and `K_CE_OVERRIDES` (the
 * `ceOverrides` as JSON) to the subject's PodSpec, which rolls the workload. Denative does the same
 * to a Knative Service's template (`containers[0].env`), which makes a new revision, and marks the
 * Service with an annotation so the variables are removed when no binding applies any more.
 * Only Knative Services can be subjects; other subjects (apps/v1 Deployments...) are stored and
 * reported as unsupported in status.
 */
import { z } from "zod";
import { CLOSED_IN_OPENAPI, type Condition, type KObject } from "../../resources/meta.ts";
import { type FieldError, zodFieldErrors } from "../../resources/field_errors.ts";
import { type EnvVar, type Service, SERVING_API_VERSION } from "../../resources/service.ts";
import { type CeOverrides, CeOverridesSchema, SinkSchema, SourceMeta, SOURCES_V1 } from "./source_spec.ts";
import { LabelSelectorSchema, matchesSelector } from "./label_selector.ts";

/** The env variables a binding owns; Knative's Undo removes exactly these. */
export const BINDING_ENV_NAMES = ["K_SINK", "K_CE_OVERRIDES", "K_CA_CERTS"];
/** Marks a Service whose env a SinkBinding set, naming the binding. */
export const BOUND_BY_ANNOTATION = "denative.dev/sinkbinding";

const SubjectSchema = z.looseObject({
  apiVersion: z.string({ error: "is required" }).min(1, "is required"),
  kind: z.string({ error: "is required" }).min(1, "is required"),
  namespace: z.string().optional(),
  name: z.string().optional(),
  selector: LabelSelectorSchema.optional(),
});

const SinkBindingSpec = z.looseObject({
  subject: SubjectSchema.describe(
    "The workload (a Knative Service) given K_SINK: by name or by label selector.",
  ),
  sink: SinkSchema,
  ceOverrides: CeOverridesSchema.optional(),
}).meta(CLOSED_IN_OPENAPI).describe("The subject to bind and the sink it sends to.");
export type SinkBindingSpec = z.infer<typeof SinkBindingSpec>;

export const SinkBindingDocument = z.looseObject({
  apiVersion: z.literal(SOURCES_V1),
  kind: z.literal("SinkBinding"),
  metadata: SourceMeta,
  spec: SinkBindingSpec,
}).describe("A Knative SinkBinding: tells a workload where to send events (K_SINK).");

export interface SinkBinding extends KObject {
  spec: SinkBindingSpec;
  status?: { observedGeneration?: number; conditions?: Condition[]; sinkUri?: string };
}

export function parseSinkBinding(doc: unknown): { binding: SinkBinding; errors: FieldError[] } {
  const parsed = SinkBindingDocument.safeParse(doc);
  if (!parsed.success) return { binding: doc as SinkBinding, errors: zodFieldErrors(parsed.error) };
  const binding = parsed.data as unknown as SinkBinding;
  const { subject } = binding.spec;
  const errors: FieldError[] = [];
  if (subject.name && subject.selector) {
    errors.push({ path: "spec.subject.selector", message: "may not be set together with name" });
  } else if (!subject.name && !subject.selector) {
    errors.push({ path: "spec.subject", message: "needs a name or a selector" });
  }
  if (subject.namespace && subject.namespace !== binding.metadata.namespace) {
    errors.push({ path: "spec.subject.namespace", message: "must be the binding's own namespace" });
  }
  return { binding, errors };
}

/** Whether the subject is a Knative Service (the only kind Denative can bind). */
export function subjectSupported(binding: SinkBinding): boolean {
  const { apiVersion, kind } = binding.spec.subject;
  return apiVersion === SERVING_API_VERSION && kind === "Service";
}

/** Whether the binding applies to this Service. */
export function bindsService(binding: SinkBinding, service: KObject): boolean {
  if (!subjectSupported(binding) || service.metadata.namespace !== binding.metadata.namespace) return false;
  const { name, selector } = binding.spec.subject;
  if (name) return service.metadata.name === name;
  return selector ? matchesSelector(selector, service.metadata.labels) : false;
}

/** `K_CE_OVERRIDES`: the overrides as JSON, as Knative sets it, or empty without any. */
export function ceOverridesValue(overrides: CeOverrides | undefined): string {
  return overrides ? JSON.stringify(overrides) : "";
}

/** What a binding wants in its subjects' env: the resolved sink and the overrides. */
export interface BindingEnv {
  binding: string;
  sinkUrl: string;
  ceOverrides: string;
}

/**
 * The Service as it should be: without any binding variables, then with `want`'s (and the
 * annotation) when given. Returns undefined when the Service is already so. A Service that no
 * binding marked keeps variables of those names that its owner set.
 */
export function withBindingEnv(service: Service, want: BindingEnv | undefined): Service | undefined {
  const annotations = service.metadata.annotations ?? {};
  const marked = annotations[BOUND_BY_ANNOTATION] !== undefined;
  if (!want && !marked) return undefined;
  const container = service.spec.template.spec.containers[0];
  const kept = (container.env ?? []).filter((e) => !BINDING_ENV_NAMES.includes(e.name));
  const added: EnvVar[] = want
    ? [{ name: "K_SINK", value: want.sinkUrl }, { name: "K_CE_OVERRIDES", value: want.ceOverrides }]
    : [];
  const env = [...kept, ...added];
  const nextAnnotations = { ...annotations };
  if (want) nextAnnotations[BOUND_BY_ANNOTATION] = want.binding;
  else delete nextAnnotations[BOUND_BY_ANNOTATION];
  const sameEnv = JSON.stringify(env) === JSON.stringify(container.env ?? []);
  if (sameEnv && annotations[BOUND_BY_ANNOTATION] === want?.binding) return undefined;
  const next = structuredClone(service);
  const containers = next.spec.template.spec.containers;
  if (env.length) containers[0].env = env;
  else delete containers[0].env;
  if (Object.keys(nextAnnotations).length) next.metadata.annotations = nextAnnotations;
  else delete next.metadata.annotations;
  return next;
}
