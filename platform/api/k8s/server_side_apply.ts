/**
 * Server-side apply, simplified: each field manager owns the leaf fields of the configuration it
 * last applied (lists count as one leaf, as Kubernetes' atomic lists do), recorded in
 * `metadata.managedFields` as FieldsV1. Applying merges the configuration into the live object,
 * removes the fields the manager applied before and no longer does (unless another manager owns
 * them), and refuses (409) to change a field another Apply manager owns with a different value,
 * unless `force` takes it over.
 */
import { isObject } from "./patch.ts";
import { sameJson } from "../../store/canonical_json.ts";

export interface ManagedFieldsEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion?: string;
  time?: string;
  fieldsType: "FieldsV1";
  fieldsV1: Record<string, unknown>;
}

export interface ApplyConflict {
  manager: string;
  field: string;
}

export type ApplyResult =
  | { ok: true; object: Record<string, unknown> }
  | { ok: false; conflicts: ApplyConflict[] };

/** Kubernetes does not track these as owned fields. */
const UNTRACKED = new Set([
  "apiVersion",
  "kind",
  "status",
  "metadata.name",
  "metadata.namespace",
  "metadata.resourceVersion",
  "metadata.managedFields",
  "metadata.uid",
  "metadata.generation",
  "metadata.creationTimestamp",
]);

export function serverSideApply(
  live: Record<string, unknown> | undefined,
  applied: Record<string, unknown>,
  opts: { manager: string; force: boolean; now: Date },
): ApplyResult {
  const managed =
    ((live?.metadata as { managedFields?: ManagedFieldsEntry[] } | undefined)?.managedFields ?? [])
      .filter((m) => m.fieldsType === "FieldsV1");
  const mine = new Set(
    managed.filter((m) => m.manager === opts.manager && m.operation === "Apply")
      .flatMap((m) => fieldsFromV1(m.fieldsV1)),
  );
  const wanted = leafPaths(applied).filter((p) => !UNTRACKED.has(p.join(".")) && !UNTRACKED.has(p[0]));
  const wantedKeys = new Set(wanted.map(key));

  const others = managed.filter((m) => !(m.manager === opts.manager && m.operation === "Apply"));
  const conflicts: ApplyConflict[] = [];
  const lostByOthers = new Map<string, Set<string>>();
  for (const other of others.filter((m) => m.operation === "Apply")) {
    for (const field of fieldsFromV1(other.fieldsV1)) {
      if (!wantedKeys.has(field)) continue;
      const path = JSON.parse(field) as string[];
      if (sameJson(valueAt(live, path), valueAt(applied, path))) continue;
      if (opts.force) {
        if (!lostByOthers.has(other.manager)) lostByOthers.set(other.manager, new Set());
        lostByOthers.get(other.manager)!.add(field);
      } else {
        conflicts.push({ manager: other.manager, field: "." + path.join(".") });
      }
    }
  }
  if (conflicts.length) return { ok: false, conflicts };

  const ownedByOthers = new Set(others.flatMap((m) => fieldsFromV1(m.fieldsV1)));
  let result = structuredClone(live ?? {}) as Record<string, unknown>;
  for (const field of mine) {
    if (!wantedKeys.has(field) && !ownedByOthers.has(field)) removeAt(result, JSON.parse(field));
  }
  result = deepMerge(result, applied) as Record<string, unknown>;

  const entries: ManagedFieldsEntry[] = others.map((m) => {
    const lost = lostByOthers.get(m.manager);
    if (!lost || m.operation !== "Apply") return m;
    return { ...m, fieldsV1: fieldsToV1(fieldsFromV1(m.fieldsV1).filter((f) => !lost.has(f))) };
  });
  entries.push({
    manager: opts.manager,
    operation: "Apply",
    apiVersion: applied.apiVersion as string | undefined,
    time: opts.now.toISOString().replace(/\.\d+Z$/, "Z"),
    fieldsType: "FieldsV1",
    fieldsV1: fieldsToV1([...wantedKeys]),
  });
  const metadata = { ...(result.metadata as Record<string, unknown> ?? {}), managedFields: entries };
  return { ok: true, object: { ...result, metadata } };
}

/** Objects merge key by key; lists and scalars from `patch` replace. */
function deepMerge(target: unknown, patch: unknown): unknown {
  if (!isObject(patch) || !isObject(target)) return structuredClone(patch);
  const out: Record<string, unknown> = { ...target };
  for (const [k, v] of Object.entries(patch)) out[k] = deepMerge(out[k], v);
  return out;
}

function key(path: string[]): string {
  return JSON.stringify(path);
}

/** Every path to a leaf (a scalar, a list, or an empty object). */
export function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (!isObject(value) || Object.keys(value).length === 0) return prefix.length ? [prefix] : [];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
}

/** `[["spec","x"]]` as FieldsV1: `{"f:spec": {"f:x": {}}}`. */
export function fieldsToV1(fields: string[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const field of fields) {
    let node = root;
    for (const part of JSON.parse(field) as string[]) {
      node = (node[`f:${part}`] ??= {}) as Record<string, unknown>;
    }
  }
  return root;
}

export function fieldsFromV1(v1: Record<string, unknown>, prefix: string[] = []): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(v1)) {
    if (!k.startsWith("f:")) continue;
    const path = [...prefix, k.slice(2)];
    const children = isObject(v) ? fieldsFromV1(v, path) : [];
    if (children.length) out.push(...children);
    else out.push(key(path));
  }
  return out;
}

function valueAt(obj: unknown, path: string[]): unknown {
  let node = obj;
  for (const p of path) node = isObject(node) ? node[p] : undefined;
  return node;
}

function removeAt(obj: Record<string, unknown>, path: string[]) {
  let node: unknown = obj;
  for (const p of path.slice(0, -1)) node = isObject(node) ? node[p] : undefined;
  if (isObject(node)) delete node[path[path.length - 1]];
}
