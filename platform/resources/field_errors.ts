/**
 * Validation failures that name the field: `spec.traffic[1].percent: must be between 0 and 100`.
 * The admin API turns an `InvalidResourceError` into a 422 listing every cause.
 */
import type { z } from "zod";

export interface FieldError {
  /** Path in the document, e.g. `spec.template.spec.containerConcurrency`. */
  path: string;
  message: string;
}

export class InvalidResourceError extends Error {
  constructor(readonly kind: string, readonly resourceName: string, readonly causes: FieldError[]) {
    super(`${kind} "${resourceName}" is invalid: ${causes.map((c) => `${c.path}: ${c.message}`).join("; ")}`);
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else if (typeof p === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${String(p)}]`;
  }
  return out;
}

export function zodFieldErrors(error: z.ZodError, prefix: PropertyKey[] = []): FieldError[] {
  return error.issues.map((issue) => ({
    path: formatPath([...prefix, ...issue.path]) || "(document)",
    message: issue.message,
  }));
}
