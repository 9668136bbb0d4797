import { join } from "node:path";

/**
 * Runs `fn` holding an exclusive lock (flock) on `<runDir>/.lock`, so two `up`/`down` calls on the same
 * port never interleave (e.g. both formatting the data dir). The OS drops the lock if this process dies,
 * and the file is opened close-on-exec, so the detached broker does not inherit it.
 */
export async function withRunLock<T>(runDir: string, fn: () => Promise<T>): Promise<T> {
  await Deno.mkdir(runDir, { recursive: true });
  using file = await Deno.open(join(runDir, ".lock"), { create: true, write: true });
  await file.lock(true);
  try {
    return await fn();
  } finally {
    await file.unlock();
  }
}
