import { z } from "zod";
import { DeliverySpecError } from "./delivery_spec_error.ts";
import { parseIsoDuration } from "./iso8601_duration.ts";

export type BackoffPolicy = "linear" | "exponential";

/** A reference to an addressable resource, resolved to a URL elsewhere. */
export interface KReference {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** Where events go: a resource reference, a URI, or a reference plus a URI relative to it. */
export interface Destination {
  ref?: KReference;
  uri?: string;
}

/** Knative's `delivery` block, as written in a Broker, Trigger, Subscription or source spec. */
export interface DeliverySpec {
  retry?: number;
  backoffPolicy?: BackoffPolicy;
  /** ISO 8601 duration, e.g. `PT0.2S`. */
  backoffDelay?: string;
  /** ISO 8601 duration of each single attempt. */
  timeout?: string;
  deadLetterSink?: Destination;
  /** Content mode of the delivered events: structured JSON or binary. */
  format?: "json" | "binary";
}

function duration(options: { positive: boolean }) {
  return z.string({ error: "must be an ISO 8601 duration string such as PT0.2S" }).superRefine(
    (text, ctx) => {
      let ms: number;
      try {
        ms = parseIsoDuration(text);
      } catch (error) {
        ctx.addIssue({
          code: "custom",
          message: `must be an ISO 8601 duration: ${(error as Error).message}`,
        });
        return;
      }
      if (ms < 0) ctx.addIssue({ code: "custom", message: "must not be negative" });
      else if (options.positive && ms === 0) {
        ctx.addIssue({
          code: "custom",
          message: "must be greater than zero",
        });
      }
    },
  );
}

const requiredText = z.string({
  error: (issue) => (issue.input === undefined ? "is required" : "must be a string"),
})
  .min(1, { error: "must not be empty" });

const kReference = z.strictObject({
  apiVersion: requiredText,
  kind: requiredText,
  name: requiredText,
  namespace: requiredText.optional(),
}, { error: (issue) => (issue.code === "unrecognized_keys" ? "unknown field" : "must be an object") });

const destination = z.strictObject({
  ref: kReference.optional(),
  uri: z.string({ error: "must be a string" }).optional(),
  // Knative's Destination has them (TLS to the sink, OIDC); kept, not used.
  CACerts: z.string({ error: "must be a string" }).optional(),
  audience: z.string({ error: "must be a string" }).optional(),
}, { error: (issue) => (issue.code === "unrecognized_keys" ? "unknown field" : "must be an object") })
  .superRefine((sink, ctx) => {
    if (sink.ref === undefined && sink.uri === undefined) {
      ctx.addIssue({ code: "custom", message: "needs a ref or a uri" });
    } else if (sink.uri !== undefined && sink.ref === undefined && !isAbsoluteHttpUrl(sink.uri)) {
      ctx.addIssue({
        code: "custom",
        path: ["uri"],
        message: "must be an absolute http(s) URL when there is no ref",
      });
    } else if (sink.uri !== undefined && !URL.canParse(sink.uri, "http://ref.invalid/")) {
      ctx.addIssue({ code: "custom", path: ["uri"], message: "must be a URI relative to the ref" });
    }
  });

function isAbsoluteHttpUrl(uri: string): boolean {
  return URL.canParse(uri) && ["http:", "https:"].includes(new URL(uri).protocol);
}

export const deliverySpecSchema = z.strictObject({
  retry: z.int32({ error: "must be a non-negative integer" }).min(0, {
    error: "must be a non-negative integer",
  })
    .optional().describe("How many times a failed delivery is retried before the dead-letter sink."),
  backoffPolicy: z.enum(["linear", "exponential"], { error: 'must be "linear" or "exponential"' }).optional()
    .describe("How the wait between retries grows: linear or exponential."),
  backoffDelay: duration({ positive: false }).optional()
    .describe("The base wait between retries, an ISO 8601 duration such as PT0.2S."),
  timeout: duration({ positive: true }).optional()
    .describe("How long one delivery attempt may take, an ISO 8601 duration."),
  deadLetterSink: destination.optional()
    .describe("Where events go when every retry failed: a ref and/or a uri."),
  format: z.enum(["json", "binary"], { error: 'must be "json" or "binary"' }).optional()
    .describe("The content mode events are delivered in: json (structured) or binary."),
}, { error: (issue) => (issue.code === "unrecognized_keys" ? "unknown field" : "must be an object") })
  .describe("Delivery settings: retries, backoff, timeout and a dead-letter sink.");

function issuePaths(issue: z.core.$ZodIssue, base: string): string[] {
  const prefix = [base, ...issue.path.map(String)].join(".");
  if (issue.code === "unrecognized_keys") return issue.keys.map((key) => `${prefix}.${key}`);
  return [prefix];
}

/**
 * Validates a `delivery` block. Absent (`undefined`/`null`) means no settings. Throws `DeliverySpecError`
 * whose issues carry field paths below `path`, e.g. `spec.delivery.backoffDelay`.
 */
export function parseDeliverySpec(input: unknown, path = "spec.delivery"): DeliverySpec {
  if (input === undefined || input === null) return {};
  const result = deliverySpecSchema.safeParse(input);
  if (result.success) return result.data;
  throw new DeliverySpecError(
    result.error.issues.flatMap((issue) =>
      issuePaths(issue, path).map((p) => ({ path: p, reason: issue.message }))
    ),
  );
}
