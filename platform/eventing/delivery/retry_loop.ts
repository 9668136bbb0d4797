import { backoffDelayMs } from "./backoff.ts";
import type { Clock } from "./clock.ts";
import type { DeliveryPolicy } from "./delivery_policy.ts";
import { type AttemptResult, isRetryable, isSuccessStatus } from "./retryable.ts";

/** Passed to each send: the 1-based attempt number and a signal that aborts when the attempt times out. */
export interface AttemptContext {
  attempt: number;
  signal: AbortSignal;
}

/** How one attempt ended: a response (any status), a thrown error, or the per-attempt timeout. */
export type AttemptOutcome<R extends { status: number }> =
  | { kind: "response"; response: R }
  | { kind: "network"; error: unknown }
  | { kind: "timeout"; timeoutMs: number };

export interface RetryLoopOptions<R extends { status: number }> {
  policy: Pick<DeliveryPolicy, "attempts" | "backoffPolicy" | "backoffDelayMs" | "timeoutMs">;
  clock: Clock;
  /** Makes one attempt; a rejection counts as a network error. */
  send: (context: AttemptContext) => Promise<R>;
  /** Waits out a backoff; it may end early (see DestinationRecovery). Default: `clock.sleep`. */
  backoff?: (ms: number) => Promise<void>;
}

export interface RetryLoopResult<R extends { status: number }> {
  /** True when an attempt answered 2xx. */
  delivered: boolean;
  attempts: number;
  /** The last attempt's outcome. */
  outcome: AttemptOutcome<R>;
  /** Every attempt's outcome, in order. */
  outcomes: AttemptOutcome<R>[];
  /** The backoff waited before each retry, in milliseconds. */
  waits: number[];
}

export function attemptResultOf(outcome: AttemptOutcome<{ status: number }>): AttemptResult {
  return outcome.kind === "response" ? outcome.response.status : outcome.kind;
}

async function attemptOnce<R extends { status: number }>(
  options: RetryLoopOptions<R>,
  attempt: number,
): Promise<AttemptOutcome<R>> {
  const abort = new AbortController();
  const sending = options.send({ attempt, signal: abort.signal }).then(
    (response): AttemptOutcome<R> => ({ kind: "response", response }),
    (error): AttemptOutcome<R> => ({ kind: "network", error }),
  );
  const timeoutMs = options.policy.timeoutMs;
  if (timeoutMs === undefined) return await sending;
  const stopTimer = new AbortController();
  const timedOut = options.clock.sleep(timeoutMs, stopTimer.signal)
    .then((): AttemptOutcome<R> => ({ kind: "timeout", timeoutMs }));
  const outcome = await Promise.race([sending, timedOut]);
  stopTimer.abort();
  if (outcome.kind === "timeout") {
    abort.abort(new DOMException(`attempt timed out after ${timeoutMs}ms`, "TimeoutError"));
  }
  return outcome;
}

/**
 * Sends until an attempt succeeds, fails without being retryable, or `policy.attempts` are used up, waiting
 * the policy's backoff (on the injected clock) before each retry and cutting each attempt at `timeoutMs`.
 */
export async function retryLoop<R extends { status: number }>(
  options: RetryLoopOptions<R>,
): Promise<RetryLoopResult<R>> {
  const outcomes: AttemptOutcome<R>[] = [];
  const waits: number[] = [];
  const attempts = Math.max(1, options.policy.attempts);
  for (let attempt = 1;; attempt++) {
    const outcome = await attemptOnce(options, attempt);
    outcomes.push(outcome);
    const result = attemptResultOf(outcome);
    const delivered = typeof result === "number" && isSuccessStatus(result);
    if (delivered || !isRetryable(result) || attempt >= attempts) {
      return { delivered, attempts: attempt, outcome, outcomes, waits };
    }
    const wait = backoffDelayMs(options.policy, attempt);
    waits.push(wait);
    if (wait > 0) await (options.backoff ? options.backoff(wait) : options.clock.sleep(wait));
  }
}
