import { z } from "zod";
import { type CloudEvent, type ExtensionValue, isCoreAttribute, SPEC_VERSION } from "./cloudevent.ts";
import { CloudEventError } from "./cloudevent_error.ts";
import { attributeNameProblem } from "./attribute_name.ts";
import { isMediaType } from "./media_type.ts";
import { isRfc3339Timestamp } from "./rfc3339.ts";
import { stringProblem } from "./unicode_string.ts";
import { isAbsoluteUri, isUriReference } from "./uri.ts";

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function nonEmptyString() {
  return z
    .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") })
    .min(1, { error: "must not be empty" })
    .superRefine((value, ctx) => {
      const problem = stringProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });
}

function formatted(check: (value: string) => boolean, reason: string) {
  return nonEmptyString().refine(check, { error: reason });
}

/** Why `value` cannot be an extension attribute value, or undefined when it can. */
export function extensionValueProblem(value: unknown): string | undefined {
  if (typeof value === "string") return stringProblem(value);
  if (typeof value === "boolean") return undefined;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return "must be an integer, not a fractional number";
    if (value < INT32_MIN || value > INT32_MAX) return "must be a 32-bit signed integer";
    return undefined;
  }
  return "must be a string, a boolean or an integer";
}

const extensionValue = z.unknown().superRefine((value, ctx) => {
  const problem = extensionValueProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const attributesSchema = z.object({
  specversion: nonEmptyString().refine((v) => v === SPEC_VERSION, {
    error: (issue) =>
      `unsupported spec version ${JSON.stringify(issue.input)}, only "${SPEC_VERSION}" is supported`,
  }),
  id: nonEmptyString(),
  source: formatted(isUriReference, "must be a URI-reference (RFC 3986)"),
  type: nonEmptyString(),
  datacontenttype: formatted(isMediaType, "must be a media type (RFC 2046), such as application/json")
    .optional(),
  dataschema: formatted(isAbsoluteUri, "must be an absolute URI (RFC 3986)").optional(),
  subject: nonEmptyString().optional(),
  time: formatted(isRfc3339Timestamp, "must be an RFC 3339 timestamp, such as 2018-04-05T17:31:00Z")
    .optional(),
}).catchall(extensionValue);

/**
 * Validates a flat map of context attributes (core and extensions, as in the JSON format; `null` means unset)
 * and returns the event without data. Throws `CloudEventError` naming the first offending attribute.
 */
export function parseEventAttributes(members: Record<string, unknown>): Omit<CloudEvent, "data"> {
  const present: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(members)) {
    if (value === null || value === undefined) continue;
    const problem = attributeNameProblem(name);
    if (problem) throw new CloudEventError(name, problem);
    present[name] = value;
  }
  const result = attributesSchema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new CloudEventError(String(issue.path[0] ?? "event"), issue.message);
  }
  const { specversion: _, id, source, type, datacontenttype, dataschema, subject, time, ...rest } =
    result.data;
  const event: Omit<CloudEvent, "data"> = { specversion: SPEC_VERSION, id, source, type, extensions: {} };
  if (datacontenttype !== undefined) event.datacontenttype = datacontenttype;
  if (dataschema !== undefined) event.dataschema = dataschema;
  if (subject !== undefined) event.subject = subject;
  if (time !== undefined) event.time = time;
  for (const [name, value] of Object.entries(rest)) {
    if (!isCoreAttribute(name)) event.extensions[name] = value as ExtensionValue;
  }
  return event;
}
