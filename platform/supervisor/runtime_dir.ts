/**
 * The supervisor's private runtime directory in the temp folder (the pool hosts' unix socket, instance
 * slots, the import map). Unix socket paths must stay short, so it cannot live under `--state`.
 *
 * A platform that is killed (kill -9, a crash) cannot remove its directory, so each one records the pid
 * that owns it, and the next platform to start removes the directories of owners that are gone.
 */
import { join } from "node:path";
import { tmpdir } from "node:os";

export const RUNTIME_DIR_PREFIX = "denative-";
const OWNER_FILE = "owner.pid";

/** Creates this process's runtime directory (mode 0700), after sweeping those of dead platforms. */
export async function openRuntimeDir(): Promise<string> {
  await removeOrphanedRuntimeDirs();
  const dir = await Deno.makeTempDir({ prefix: RUNTIME_DIR_PREFIX });
  await Deno.chmod(dir, 0o700);
  await Deno.writeTextFile(join(dir, OWNER_FILE), String(Deno.pid));
  return dir;
}

/** Removes runtime directories whose owner is `pid` (or, without one, whose owner no longer runs). */
export async function removeOrphanedRuntimeDirs(pid?: number): Promise<void> {
  const root = tmpdir();
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(root)];
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.isDirectory || !entry.name.startsWith(RUNTIME_DIR_PREFIX)) continue;
    const dir = join(root, entry.name);
    const owner = readOwner(dir);
    if (owner === undefined) continue; // not a runtime directory (or still being created)
    if (pid === undefined ? isRunning(owner) : owner !== pid) continue;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

function readOwner(dir: string): number | undefined {
  try {
    const pid = Number(Deno.readTextFileSync(join(dir, OWNER_FILE)).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** True when a process with this pid exists (Linux: /proc). */
export function isRunning(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch (error) {
    return !(error instanceof Deno.errors.NotFound);
  }
}
