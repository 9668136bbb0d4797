/**
 * What every Knative source spec shares (duck `SourceSpec`): a `sink` Destination and optional
 * `ceOverrides`, with Knative's validation rules, as zod schemas that report field paths.
 */
import { z } from "zod";
import { attributeNameProblem, isCoreAttribute } from "../cloudevents/mod.ts";
import type { Destination } from "../delivery/delivery_spec.ts";
import { DnsLabel, ObjectMeta } from "../../resources/meta.ts";

export const SOURCES_GROUP = "sources.knative.dev";
export const SOURCES_V1 = `${SOURCES_GROUP}/v1`;
export const SOURCES_V1ALPHA1 = `${SOURCES_GROUP}/v1alpha1`;

const requiredText = z.string({
  error: (issue) => issue.input === undefined ? "is required" : "must be a string",
}).min(1, "must not be empty");

/** Knative's `KReference`; fields Denative has no use for (`address`...) are kept. */
export const KReferenceSchema = z.looseObject({
  apiVersion: requiredText,
  kind: requiredText,
  name: requiredText,
  namespace: DnsLabel.optional(),
});

function isAbsoluteHttpUrl(uri: string): boolean {
  return URL.canParse(uri) && ["http:", "https:"].includes(new URL(uri).protocol);
}

const DestinationObject = z.looseObject({
  ref: KReferenceSchema.optional().describe("The addressable resource (a Service, a Broker...) to send to."),
  uri: z.string().optional().describe("An absolute URL, or a path relative to the ref's address."),
  CACerts: z.string().optional(),
  audience: z.string().optional(),
}, { error: "must be an object with a ref or a uri" });

function checkDestination(sink: { ref?: unknown; uri?: string }, ctx: z.RefinementCtx) {
  if (!sink.ref && !sink.uri) {
    ctx.addIssue({ code: "custom", message: "expected exactly one of ref or uri, got neither" });
  } else if (!sink.ref && sink.uri && !isAbsoluteHttpUrl(sink.uri)) {
    ctx.addIssue({
      code: "custom",
      path: ["uri"],
      message: "must be an absolute http(s) URL when there is no ref",
    });
  } else if (sink.ref && sink.uri && isAbsoluteHttpUrl(sink.uri)) {
    ctx.addIssue({ code: "custom", path: ["uri"], message: "must be relative when a ref is given" });
  }
}

/** Knative's `Destination`: a `ref`, an absolute `uri`, or a ref plus a `uri` relative to it. */
export const SinkSchema = DestinationObject.superRefine(checkDestination)
  .describe("Where events go: a ref and/or a uri.");

/**
 * A Destination as eventing-github's CRD declares it (it predates `CACerts` and `audience`; both
 * are still kept when given).
 */
export const RefOrUriSinkSchema = DestinationObject.omit({ CACerts: true, audience: true })
  .superRefine(checkDestination).describe("Where events go: a ref and/or a uri.");
export type Sink = z.infer<typeof SinkSchema>;

/** `ceOverrides.extensions`: extension attributes set on every event the source sends. */
export const CeOverridesSchema = z.looseObject({
  extensions: z.record(z.string(), z.string()).optional()
    .describe("Extension attributes (name to value) set on every event."),
}).superRefine((overrides, ctx) => {
  for (const name of Object.keys(overrides.extensions ?? {})) {
    const problem = attributeNameProblem(name) ??
      (isCoreAttribute(name) ? "a core attribute cannot be overridden" : undefined);
    if (problem) ctx.addIssue({ code: "custom", path: ["extensions", name], message: problem });
  }
}).describe("Changes to the events the source sends.");
export type CeOverrides = z.infer<typeof CeOverridesSchema>;

/** The metadata a stored source has (name and namespace filled in by the admin API). */
export const SourceMeta = ObjectMeta;

/** A sink as the EventSender takes it. */
export function destinationOf(sink: Sink): Destination {
  const dest: Destination = {};
  if (sink.ref) {
    const { apiVersion, kind, name, namespace } = sink.ref;
    dest.ref = namespace ? { apiVersion, kind, name, namespace } : { apiVersion, kind, name };
  }
  if (sink.uri !== undefined) dest.uri = sink.uri;
  return dest;
}
