/**
 * Kubernetes `Status` failures as thrown HTTPExceptions, with the reason and code kubectl and
 * client libraries act on (404 NotFound, 409 AlreadyExists/Conflict, 410 Expired, 422 Invalid...).
 */
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { statusBody } from "../status_body.ts";
import type { KindInfo } from "../../resources/kinds.ts";
import type { FieldError } from "../../resources/field_errors.ts";

function fail(
  code: ContentfulStatusCode,
  reason: string,
  message: string,
  extra: Record<string, unknown> = {},
) {
  return new HTTPException(code, { res: statusBody(code, reason, message, extra) });
}

function details(kind: KindInfo, name: string, more: Record<string, unknown> = {}) {
  return { details: { name, group: kind.group, kind: kind.plural, ...more } };
}

export function badRequest(message: string): HTTPException {
  return fail(400, "BadRequest", message);
}

export function notFound(kind: KindInfo, name: string): HTTPException {
  return fail(404, "NotFound", `${kind.kind} "${name}" not found`, details(kind, name));
}

export function noSuchPath(message: string): HTTPException {
  return fail(404, "NotFound", message);
}

export function alreadyExists(kind: KindInfo, name: string): HTTPException {
  return fail(409, "AlreadyExists", `${kind.kind} "${name}" already exists`, details(kind, name));
}

export function conflict(kind: KindInfo, name: string, why: string): HTTPException {
  return fail(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${kind.plural} "${name}": ${why}`,
    details(kind, name),
  );
}

/** A refusal whose message is already complete (a revision that still gets traffic...). */
export function conflictMessage(message: string): HTTPException {
  return fail(409, "Conflict", message);
}

export function methodNotAllowed(message: string): HTTPException {
  return fail(405, "MethodNotAllowed", message);
}

export function unsupportedMediaType(type: string): HTTPException {
  return fail(415, "UnsupportedMediaType", `the body of type "${type}" is not supported here`);
}

export function expired(message: string): HTTPException {
  return fail(410, "Expired", message);
}

export function invalid(kind: KindInfo, name: string, causes: FieldError[], reason = "FieldValueInvalid") {
  const message = `${kind.kind} "${name}" is invalid: ${
    causes.map((c) => `${c.path}: ${c.message}`).join("; ")
  }`;
  return fail(422, "Invalid", message, {
    details: {
      name,
      group: kind.group,
      kind: kind.kind,
      causes: causes.map((c) => ({ reason, field: c.path, message: c.message })),
    },
  });
}

/** Server-side apply would change fields other managers own. */
export function applyConflicts(
  kind: KindInfo,
  name: string,
  conflicts: { manager: string; field: string }[],
) {
  const list = conflicts.map((c) => `conflict with "${c.manager}": ${c.field}`).join("; ");
  return fail(409, "Conflict", `Apply failed with ${conflicts.length} conflict(s): ${list}`, {
    details: {
      name,
      group: kind.group,
      kind: kind.plural,
      causes: conflicts.map((c) => ({
        reason: "FieldManagerConflict",
        message: `conflict with "${c.manager}"`,
        field: c.field,
      })),
    },
  });
}
