/**
 * Knative's three request timeouts, decided for one exchange from plain numbers (ms):
 * - responseStartTimeoutSeconds: the response must start (its head arrive) within it; default timeoutSeconds;
 * - timeoutSeconds: the whole exchange, body included, must end within it;
 * - idleTimeoutSeconds: a response body may go this long without a byte (0 = no limit).
 * An open WebSocket is governed by its own idle timeout, not by these.
 */
export interface ResponseTimeouts {
  timeoutMs: number;
  responseStartMs: number;
  /** 0 = no limit. */
  idleMs: number;
}

export type Verdict = { expired: false; next: number } | { expired: true; why: string };

/** What to do with an exchange at `now`: let it run until `next`, or end it (504) for `why`. */
export function checkDeadlines(
  t: ResponseTimeouts,
  exchange: { startedAt: number; answered: boolean; lastByteAt: number },
  now: number,
): Verdict {
  const end = exchange.startedAt + t.timeoutMs;
  if (!exchange.answered) {
    const start = exchange.startedAt + Math.min(t.responseStartMs, t.timeoutMs);
    if (now >= start) {
      const limit = secs(start - exchange.startedAt);
      const why = t.responseStartMs < t.timeoutMs
        ? `did not answer within responseStartTimeoutSeconds (${limit})`
        : `did not answer within ${limit}`;
      return { expired: true, why };
    }
    return { expired: false, next: start };
  }
  if (now >= end) {
    return { expired: true, why: `did not finish its response within timeoutSeconds (${secs(t.timeoutMs)})` };
  }
  if (t.idleMs > 0) {
    const idleEnd = exchange.lastByteAt + t.idleMs;
    if (now >= idleEnd) {
      return { expired: true, why: `sent nothing for idleTimeoutSeconds (${secs(t.idleMs)})` };
    }
    return { expired: false, next: Math.min(end, idleEnd) };
  }
  return { expired: false, next: end };
}

function secs(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}
