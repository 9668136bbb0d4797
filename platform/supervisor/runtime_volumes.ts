/**
 * A revision's volumes on disk, per instance, beside its code slot: `<slot>.volumes/<i>/` holds the
 * files of a secret or configMap volume (the isolate may read them, not write), `<slot>.emptydir/<i>/`
 * is an emptyDir (the one place it may write). Both go when the instance stops. The instance maps each
 * mountPath onto its directory (runtime/volume_paths.ts).
 */
import type { VolumeMount } from "../../runtime/volume_paths.ts";

/** A volume as the supervisor gets it: files (base64) to show read-only, or an empty writable directory. */
export type RuntimeVolume =
  | { mountPath: string; files: Record<string, string> }
  | { mountPath: string; emptyDir: true };

export function volumesDirOf(slot: string): string {
  return `${slot}.volumes`;
}

export function emptyDirOf(slot: string): string {
  return `${slot}.emptydir`;
}

/** Writes an instance's volumes and returns the mounts it is started with. */
export async function materializeVolumes(
  slot: string,
  volumes: RuntimeVolume[] = [],
): Promise<VolumeMount[]> {
  const mounts: VolumeMount[] = [];
  for (const [i, v] of volumes.entries()) {
    if ("emptyDir" in v) {
      const dir = `${emptyDirOf(slot)}/${i}`;
      await Deno.mkdir(dir, { recursive: true });
      mounts.push({ mountPath: v.mountPath, dir, writable: true });
      continue;
    }
    const dir = `${volumesDirOf(slot)}/${i}`;
    await Deno.mkdir(dir, { recursive: true });
    for (const [name, base64] of Object.entries(v.files)) {
      if (name.includes("/")) {
        await Deno.mkdir(`${dir}/${name.slice(0, name.lastIndexOf("/"))}`, { recursive: true });
      }
      await Deno.writeFile(`${dir}/${name}`, Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)), {
        mode: 0o444,
      });
    }
    mounts.push({ mountPath: v.mountPath, dir, writable: false });
  }
  return mounts;
}

/** Removes an instance's volumes (its emptyDirs with whatever it wrote). */
export async function removeVolumes(slot: string) {
  await Deno.remove(volumesDirOf(slot), { recursive: true }).catch(() => {});
  await Deno.remove(emptyDirOf(slot), { recursive: true }).catch(() => {});
}
