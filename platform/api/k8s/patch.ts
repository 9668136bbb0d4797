/**
 * The PATCH bodies Kubernetes accepts, applied to a stored object: JSON merge patch (RFC 7386),
 * JSON patch (RFC 6902, through fast-json-patch) and server-side apply (see server_side_apply.ts).
 * Strategic merge patch is taken for the core kinds only (kubectl uses it for Secrets, ConfigMaps
 * and Namespaces), whose fields have no merge keys: there it is a merge patch without its
 * `$`-directives. Custom resources refuse it, as in Kubernetes.
 */
import jsonpatch from "fast-json-patch";

export type PatchKind = "merge" | "json" | "apply" | "strategic";

export function patchKindOf(contentType: string): PatchKind | undefined {
  const type = contentType.split(";")[0].trim().toLowerCase();
  if (type === "application/merge-patch+json") return "merge";
  if (type === "application/json-patch+json") return "json";
  if (type === "application/apply-patch+yaml" || type === "application/apply-patch+json") return "apply";
  if (type === "application/strategic-merge-patch+json") return "strategic";
  return undefined;
}

export class PatchError extends Error {}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** RFC 7386: objects merge key by key, `null` removes, anything else replaces (lists too). */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** RFC 6902 operations (add, remove, replace, move, copy, test); a failed `test` or a bad path throws. */
export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw new PatchError("a JSON patch must be a list of operations");
  const error = jsonpatch.validate(operations as jsonpatch.Operation[], target as Json);
  if (error) throw new PatchError(`JSON patch operation ${error.index}: ${error.message.split("\n")[0]}`);
  try {
    return jsonpatch.applyPatch(structuredClone(target), operations as jsonpatch.Operation[], true, false)
      .newDocument;
  } catch (err) {
    throw new PatchError(`the JSON patch cannot be applied: ${(err as Error).message.split("\n")[0]}`);
  }
}

/** A strategic merge patch for kinds without merge-keyed lists: its `$` directives dropped. */
export function strategicAsMerge(patch: unknown): unknown {
  if (Array.isArray(patch)) return patch.map(strategicAsMerge);
  if (!isObject(patch)) return patch;
  return Object.fromEntries(
    Object.entries(patch).filter(([k]) => !k.startsWith("$")).map(([k, v]) => [k, strategicAsMerge(v)]),
  );
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
