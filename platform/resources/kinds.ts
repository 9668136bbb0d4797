/**
 * The resource kinds the admin API serves, by Kubernetes-style path:
 * `/apis/{group}/{version}/namespaces/{ns}/{plural}` (`/api/v1/...` for the core group).
 */
import type { z } from "zod";
import type { KObject } from "./meta.ts";
import type { FieldError } from "./field_errors.ts";
import type { ResourceStore } from "../store/resource_store.ts";

export interface KindInfo {
  /** "" for the core group. */
  group: string;
  version: string;
  plural: string;
  kind: string;
  /** Cluster-scoped kinds (Namespace) are stored with namespace "". */
  clusterScoped?: boolean;
  /** The document schema; the Kubernetes API's OpenAPI is derived from it. */
  schema?: z.ZodType;
  /** Derived kinds are written only by reconcilers. */
  readOnly?: boolean;
  /** Validates and normalizes a submitted document (metadata.name/namespace already filled). */
  parse?(doc: unknown): { object: KObject; errors: FieldError[] };
  /** A reason to refuse deleting this object, or null. Lets a read-only kind allow some deletes. */
  refuseDelete?(obj: KObject, store: ResourceStore): string | null;
  /** What a GET shows (secrets hide their values). */
  present?(obj: KObject): KObject;
}

export function apiVersionOf(k: Pick<KindInfo, "group" | "version">): string {
  return k.group ? `${k.group}/${k.version}` : k.version;
}

export class KindRegistry {
  #byPath = new Map<string, KindInfo>();
  #byKind = new Map<string, KindInfo>();

  register(...kinds: KindInfo[]) {
    for (const k of kinds) {
      this.#byPath.set(`${k.group}/${k.version}/${k.plural}`, k);
      this.#byKind.set(`${apiVersionOf(k)}/${k.kind}`, k);
    }
  }

  byPath(group: string, version: string, plural: string): KindInfo | undefined {
    return this.#byPath.get(`${group}/${version}/${plural}`);
  }

  byKind(apiVersion: string, kind: string): KindInfo | undefined {
    return this.#byKind.get(`${apiVersion}/${kind}`);
  }

  all(): KindInfo[] {
    return [...this.#byPath.values()];
  }
}
