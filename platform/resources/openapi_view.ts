/**
 * A document field the zod schema takes as it is, because another validator checks it after the
 * document parses (with its own messages and paths: `delivery` by checkDelivery, a Trigger's
 * filters by validateTriggerFilterSpec), or because Denative keeps it and ignores it. The OpenAPI
 * derived from the document (platform/api/k8s/openapi.ts) shows `shape` for it, so `kubectl
 * explain` and strict field validation see the field's real structure.
 */
import { z } from "zod";

const views = new WeakMap<z.ZodType, z.ZodType>();

export function viewedAs(shape: z.ZodType): z.ZodUnknown {
  const field = z.unknown();
  views.set(field, shape);
  return field;
}

/** The shape the OpenAPI shows for a field made by `viewedAs`, or undefined for any other schema. */
export function openApiViewOf(schema: unknown): z.ZodType | undefined {
  return typeof schema === "object" && schema !== null ? views.get(schema as z.ZodType) : undefined;
}
