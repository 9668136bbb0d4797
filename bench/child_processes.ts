/**
 * Everything the bench starts ends with it: each server, load generator and platform registers how
 * to stop it here, and `stopAll()` runs on a normal end, on an error and on Ctrl-C / SIGTERM.
 */

type Stopper = () => Promise<void> | void;

const stoppers = new Map<number, Stopper>();
let nextId = 1;

/** Registers a way to stop something; returns a function that unregisters it (once it stopped by itself). */
export function onStop(stop: Stopper): () => void {
  const id = nextId++;
  stoppers.set(id, stop);
  return () => void stoppers.delete(id);
}

/** Spawns a process that is SIGKILLed by `stopAll()` unless it has exited by then. */
export function spawnTracked(command: string, options: Deno.CommandOptions): Deno.ChildProcess {
  const child = new Deno.Command(command, options).spawn();
  const forget = onStop(async () => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await child.status.catch(() => {});
  });
  child.status.finally(forget);
  return child;
}

let stopping: Promise<void> | null = null;
let signalled = false;

/** True once Ctrl-C or SIGTERM arrived: errors from processes being stopped are expected then. */
export function interrupted(): boolean {
  return signalled;
}

/**
 * Stops everything registered, newest first; each stopper gets at most `graceMs`. A call while a
 * stop is under way waits for that one (and then stops whatever was registered meanwhile).
 */
export async function stopAll(graceMs = 20_000): Promise<void> {
  while (stopping) await stopping;
  if (stoppers.size === 0) return;
  stopping = (async () => {
    const all = [...stoppers.entries()].reverse();
    stoppers.clear();
    for (const [, stop] of all) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.resolve().then(stop).catch(() => {}),
        new Promise((r) => (timer = setTimeout(r, graceMs))),
      ]);
      clearTimeout(timer);
    }
  })();
  try {
    await stopping;
  } finally {
    stopping = null;
  }
}

/** Ctrl-C or SIGTERM: stop everything, then exit with the signal's status. */
export function stopAllOnSignals() {
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    Deno.addSignalListener(signal, async () => {
      if (signalled) return;
      signalled = true;
      console.error(`\nbench: ${signal}, stopping every process it started`);
      await stopAll(5_000);
      Deno.exit(code);
    });
  }
}
