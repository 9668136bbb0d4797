/**
 * The Secrets and ConfigMaps a revision template reads (volumes, `env[].valueFrom.secretKeyRef`) and
 * a digest of their content. The digest rides on the Configuration's template as an annotation, so a
 * change to one of them changes the template and makes a new Revision that sees it.
 */
import type { KObject } from "../resources/meta.ts";
import type { RevisionTemplate } from "../resources/service.ts";

export const SOURCES_DIGEST_ANNOTATION = "serving.denative.dev/sources-digest";

export interface TemplateSources {
  secrets: string[];
  configMaps: string[];
}

export function sourcesOf(template: RevisionTemplate): TemplateSources {
  const secrets = new Set<string>();
  const configMaps = new Set<string>();
  for (const v of template.spec.volumes ?? []) {
    if (v.secret) secrets.add(v.secret.secretName);
    if (v.configMap) configMaps.add(v.configMap.name);
  }
  for (const c of template.spec.containers ?? []) {
    for (const e of c.env ?? []) {
      const ref = e.valueFrom?.secretKeyRef;
      if (ref) secrets.add(ref.name);
    }
  }
  return { secrets: [...secrets].sort(), configMaps: [...configMaps].sort() };
}

/** A digest of the sources' content (absent ones included, as absent), or undefined when there are none. */
export function sourcesDigest(
  sources: TemplateSources,
  get: (kind: "Secret" | "ConfigMap", name: string) => KObject | undefined,
): string | undefined {
  if (sources.secrets.length === 0 && sources.configMaps.length === 0) return undefined;
  const parts: string[] = [];
  for (const [kind, names] of [["Secret", sources.secrets], ["ConfigMap", sources.configMaps]] as const) {
    for (const name of names) {
      const o = get(kind, name) as (KObject & { data?: unknown; binaryData?: unknown }) | undefined;
      parts.push(`${kind}/${name}=${o ? JSON.stringify([o.data ?? null, o.binaryData ?? null]) : "-"}`);
    }
  }
  return fnv1a(parts.join("\n"));
}

/** FNV-1a, 64 bits as two 32-bit halves: change detection, not security. */
function fnv1a(text: string): string {
  let h1 = 0x811c9dc5, h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0");
}
