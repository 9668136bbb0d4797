/**
 * A revision's volumes, resolved when its instances are prepared: each volumeMount with the files of
 * its secret or configMap (as Kubernetes projects them: one file per key, or the `items` chosen), or
 * an emptyDir. A missing source fails the revision unless the volume says `optional`.
 */
import type { KObject } from "../resources/meta.ts";
import type { RevisionSpec } from "../resources/service.ts";
import type { RuntimeVolume } from "../supervisor/runtime_volumes.ts";
import { RevisionNotRunnable } from "./revision_not_runnable.ts";

type Items = { key: string; path: string }[] | undefined;
type Source = KObject & { data?: Record<string, string>; binaryData?: Record<string, string> };

export const VOLUME_SOURCE_MISSING = "VolumeSourceMissing";

export function resolveVolumes(
  spec: RevisionSpec,
  get: (kind: "Secret" | "ConfigMap", name: string) => KObject | undefined,
): RuntimeVolume[] {
  const volumes = new Map((spec.volumes ?? []).map((v) => [v.name, v]));
  const out: RuntimeVolume[] = [];
  for (const mount of spec.containers[0]?.volumeMounts ?? []) {
    const volume = volumes.get(mount.name);
    if (!volume) {
      throw new RevisionNotRunnable(
        VOLUME_SOURCE_MISSING,
        `volumeMount "${mount.name}" names no volume in spec.volumes`,
      );
    }
    if (volume.emptyDir) {
      out.push({ mountPath: mount.mountPath, emptyDir: true });
      continue;
    }
    const ref = volume.secret
      ? { kind: "Secret" as const, name: volume.secret.secretName, optional: volume.secret.optional }
      : volume.configMap
      ? { kind: "ConfigMap" as const, name: volume.configMap.name, optional: volume.configMap.optional }
      : undefined;
    if (!ref) {
      throw new RevisionNotRunnable(
        "VolumeNotSupported",
        `volume "${volume.name}": only secret, configMap and emptyDir volumes are supported`,
      );
    }
    const source = get(ref.kind, ref.name) as Source | undefined;
    if (!source && !ref.optional) {
      throw new RevisionNotRunnable(
        VOLUME_SOURCE_MISSING,
        `${ref.kind} "${ref.name}" (volume "${volume.name}") not found`,
      );
    }
    const all = ref.kind === "Secret" ? { ...source?.data } : {
      ...Object.fromEntries(Object.entries(source?.data ?? {}).map(([k, v]) => [k, utf8Base64(v)])),
      ...source?.binaryData,
    };
    const items = ((volume.secret ?? volume.configMap) as { items?: Items }).items;
    const files: Record<string, string> = {};
    for (const { key, path } of items ?? Object.keys(all).map((key) => ({ key, path: key }))) {
      if (all[key] === undefined) {
        throw new RevisionNotRunnable(VOLUME_SOURCE_MISSING, `${ref.kind} "${ref.name}" has no key "${key}"`);
      }
      files[path] = all[key];
    }
    out.push({ mountPath: mount.mountPath, files });
  }
  return out;
}

function utf8Base64(text: string): string {
  let binary = "";
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}
