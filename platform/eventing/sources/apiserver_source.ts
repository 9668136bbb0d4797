/**
 * Knative's `sources.knative.dev/v1` ApiServerSource: schema, defaulting (`mode: Reference`) and
 * validation. Denative's "API server" is its own resource store: the source watches the objects
 * of the listed `resources` (apiVersion, kind, optional label `selector`) in its namespace.
 */
import { z } from "zod";
import { CLOSED_IN_OPENAPI, type Condition, type KObject } from "../../resources/meta.ts";
import { viewedAs } from "../../resources/openapi_view.ts";
import { SubscriptionsApiFilterShape } from "../filters/filter_shapes.ts";
import { type FieldError, zodFieldErrors } from "../../resources/field_errors.ts";
import { type TriggerFilterSpec, validateFilters } from "../filters/mod.ts";
import { CeOverridesSchema, SinkSchema, SourceMeta, SOURCES_V1 } from "./source_spec.ts";
import { LabelSelectorSchema } from "./label_selector.ts";

export const REFERENCE_MODE = "Reference";
export const RESOURCE_MODE = "Resource";

/** `group/version` or a core `version`, as Kubernetes' ParseGroupVersion accepts. */
const GROUP_VERSION = /^(?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[a-z0-9]+$/;

const apiVersion = z.string({ error: "is required" }).regex(
  GROUP_VERSION,
  "must be a group/version such as serving.knative.dev/v1, or v1",
);
const kind = z.string({ error: "is required" }).refine((k) => k.trim() !== "", "is required");

const ResourceSpec = z.looseObject({
  apiVersion,
  kind,
  selector: LabelSelectorSchema.optional(),
});

const ApiServerSourceSpec = z.looseObject({
  resources: z.array(ResourceSpec, { error: "is required" }).min(1, "is required: at least one resource")
    .describe("The kinds (apiVersion, kind, optional label selector) whose changes become events."),
  owner: z.looseObject({ apiVersion, kind }).optional()
    .describe("Only objects owned by an object of this apiVersion and kind."),
  mode: z.string().optional().describe("Reference (the event carries a reference) or Resource (the object)."),
  serviceAccountName: z.string().optional().describe("Kept for Knative compatibility; Denative ignores it."),
  namespaceSelector: LabelSelectorSchema.optional().describe("Namespaces to watch, by label."),
  filters: z.array(viewedAs(SubscriptionsApiFilterShape)).optional()
    .describe("Subscriptions API filters the events must pass."),
  sink: SinkSchema,
  ceOverrides: CeOverridesSchema.optional(),
}).meta(CLOSED_IN_OPENAPI).describe("What to watch, how events describe it and where they go.");
export type ApiServerSourceSpec = z.infer<typeof ApiServerSourceSpec>;

export const ApiServerSourceDocument = z.looseObject({
  apiVersion: z.literal(SOURCES_V1),
  kind: z.literal("ApiServerSource"),
  metadata: SourceMeta,
  spec: ApiServerSourceSpec,
}).describe("A Knative ApiServerSource: turns changes to resources into events.");

export interface ApiServerSource extends KObject {
  spec: ApiServerSourceSpec & { mode: "Reference" | "Resource" };
  status?: {
    observedGeneration?: number;
    conditions?: Condition[];
    sinkUri?: string;
    namespaces?: string[];
  };
}

/** Validates an ApiServerSource and fills Knative's defaults (`mode: Reference`, account `default`). */
export function parseApiServerSource(doc: unknown): { source: ApiServerSource; errors: FieldError[] } {
  const parsed = ApiServerSourceDocument.safeParse(doc);
  if (!parsed.success) return { source: doc as ApiServerSource, errors: zodFieldErrors(parsed.error) };
  const source = parsed.data as unknown as ApiServerSource;
  const spec = source.spec;
  spec.mode ??= REFERENCE_MODE;
  spec.serviceAccountName ??= "default";
  const errors: FieldError[] = [];
  if (spec.mode !== REFERENCE_MODE && spec.mode !== RESOURCE_MODE) {
    errors.push({ path: "spec.mode", message: `must be "${REFERENCE_MODE}" or "${RESOURCE_MODE}"` });
  }
  if (spec.filters?.length) errors.push(...validateFilters(spec.filters, "spec.filters"));
  return { source, errors };
}

/** The source's `filters` as the trigger filter compiler takes them. */
export function filterSpecOf(source: ApiServerSource): TriggerFilterSpec {
  return { filters: (source.spec.filters ?? []) as TriggerFilterSpec["filters"] };
}
