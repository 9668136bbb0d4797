/** What `dn service describe` and `dn revision describe` show of a revision's limits and timeouts. */
import type { RevisionSpec } from "../resources/service.ts";

export function limitsFields(spec: RevisionSpec | undefined): [string, string][] {
  const fields: [string, string][] = [];
  const limits = spec?.containers?.[0]?.resources?.limits;
  const parts = [
    limits?.memory !== undefined ? `memory ${limits.memory}` : "",
    limits?.cpu !== undefined ? `cpu ${limits.cpu}` : "",
  ].filter(Boolean);
  fields.push(["Limits", parts.length ? parts.join(", ") : "cluster defaults"]);
  const timeouts = [
    spec?.timeoutSeconds !== undefined ? `timeout ${spec.timeoutSeconds}s` : "",
    spec?.responseStartTimeoutSeconds !== undefined
      ? `response start ${spec.responseStartTimeoutSeconds}s`
      : "",
    spec?.idleTimeoutSeconds !== undefined ? `idle ${spec.idleTimeoutSeconds}s` : "",
  ].filter(Boolean);
  if (timeouts.length) fields.push(["Timeouts", timeouts.join(", ")]);
  return fields;
}
