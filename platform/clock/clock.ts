/** Time as the platform sees it (serving and eventing alike), injectable so tests can run on a fake clock. */
export interface Clock {
  now(): number;
  /** Resolves after `ms` milliseconds, or early (without error) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

/**
 * Runs `fn` after `ms` on `clock`, unless the returned cancel is called first: a timer for code that
 * must also run on a FakeClock. Not for the per-request hot path (each costs an AbortController).
 */
export function after(clock: Clock, ms: number, fn: () => void): () => void {
  const cancel = new AbortController();
  clock.sleep(ms, cancel.signal).then(() => {
    if (!cancel.signal.aborted) fn();
  });
  return () => cancel.abort();
}
