/** How long a key whose reconcile failed waits before it is tried again: doubling from a base, capped. */
import { RECONCILE_DEFAULTS } from "../config.ts";

export interface RetryBackoff {
  baseMs: number;
  maxMs: number;
}

export const RECONCILE_RETRY: RetryBackoff = {
  baseMs: RECONCILE_DEFAULTS.retryBaseMs,
  maxMs: RECONCILE_DEFAULTS.retryMaxMs,
};

/** The wait after the `failures`-th failure in a row (1 = the first). */
export function retryDelay(failures: number, backoff: RetryBackoff = RECONCILE_RETRY): number {
  if (failures < 1) return 0;
  // 2 ** 1024 is Infinity, which min() caps as well.
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** (failures - 1));
}
