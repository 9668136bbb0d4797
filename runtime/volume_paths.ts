/**
 * Volumes inside an instance. A pool host cannot mount directories at a function's `mountPath`
 * (`/etc/secret`), so the instance's `Deno` file APIs map paths under each mountPath onto the
 * directory the supervisor prepared for it; everything else is untouched and stays under the
 * isolate's permissions (which allow reading those directories and writing its emptyDirs only).
 * `node:fs` is not mapped: use `Deno.*` file APIs with volumes.
 */

export interface VolumeMount {
  /** Where the function sees it, absolute. */
  mountPath: string;
  /** Where it is on disk. */
  dir: string;
  writable: boolean;
}

/** The real path for `path` when it lies under a mount, else `path` unchanged. */
export function mapVolumePath(mounts: VolumeMount[], path: string | URL): string | URL {
  const p = path instanceof URL
    ? (path.protocol === "file:" ? decodeURIComponent(path.pathname) : null)
    : path;
  if (p === null || !p.startsWith("/")) return path;
  for (const m of mounts) {
    const base = m.mountPath.replace(/\/+$/, "");
    if (p === base) return m.dir;
    if (p.startsWith(`${base}/`)) return `${m.dir}${p.slice(base.length)}`;
  }
  return path;
}

/** The `Deno` functions whose first argument is a path. */
const ONE_PATH = [
  "readFile",
  "readFileSync",
  "readTextFile",
  "readTextFileSync",
  "readDir",
  "readDirSync",
  "stat",
  "statSync",
  "lstat",
  "lstatSync",
  "open",
  "openSync",
  "create",
  "createSync",
  "writeFile",
  "writeFileSync",
  "writeTextFile",
  "writeTextFileSync",
  "mkdir",
  "mkdirSync",
  "remove",
  "removeSync",
  "realPath",
  "realPathSync",
  "truncate",
  "truncateSync",
  "chmod",
  "chmodSync",
] as const;
/** Those whose first two arguments are paths. */
const TWO_PATHS = ["rename", "renameSync", "copyFile", "copyFileSync"] as const;

/** Makes the instance's `Deno` file APIs see `mounts` at their mountPaths. */
export function installVolumePaths(mounts: VolumeMount[]) {
  if (mounts.length === 0) return;
  const deno = Deno as unknown as Record<string, (...args: unknown[]) => unknown>;
  const map = (p: unknown) => (typeof p === "string" || p instanceof URL ? mapVolumePath(mounts, p) : p);
  for (const name of ONE_PATH) {
    const original = deno[name];
    if (typeof original !== "function") continue;
    Object.defineProperty(Deno, name, {
      value: (path: unknown, ...rest: unknown[]) => original.call(Deno, map(path), ...rest),
      configurable: true,
    });
  }
  for (const name of TWO_PATHS) {
    const original = deno[name];
    if (typeof original !== "function") continue;
    Object.defineProperty(Deno, name, {
      value: (from: unknown, to: unknown, ...rest: unknown[]) =>
        original.call(Deno, map(from), map(to), ...rest),
      configurable: true,
    });
  }
}
