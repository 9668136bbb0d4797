/**
 * `denative.dev/max-request-body` on a Service's revision template (`spec.template.metadata.annotations`)
 * sets the largest request body its revisions take (`10Mi`, `1048576`); otherwise the platform's
 * `--max-request-body` applies.
 */
import type { FieldError } from "../resources/field_errors.ts";
import type { RevisionTemplate } from "../resources/service.ts";
import { parseByteSize } from "./byte_size.ts";

export const MAX_REQUEST_BODY_ANNOTATION = "denative.dev/max-request-body";

/** The revision's body limit from its annotations, or `fallback`. */
export function requestBodyLimit(annotations: Record<string, string> | undefined, fallback: number): number {
  const text = annotations?.[MAX_REQUEST_BODY_ANNOTATION];
  return text === undefined ? fallback : parseByteSize(text) ?? fallback;
}

/** Refuses a template whose body limit annotation is not a byte size. */
export function requestBodyTemplateValidator(template: RevisionTemplate): FieldError[] {
  const text = template.metadata?.annotations?.[MAX_REQUEST_BODY_ANNOTATION];
  if (text === undefined || parseByteSize(text) !== undefined) return [];
  return [{
    path: `spec.template.metadata.annotations[${MAX_REQUEST_BODY_ANNOTATION}]`,
    message: `"${text}" is not a byte size like 10Mi or 1048576`,
  }];
}
