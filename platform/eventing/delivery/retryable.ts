/** What a delivery attempt ended with: an HTTP status, a network error or a timeout. */
export type AttemptResult = number | "network" | "timeout";

export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status <= 299;
}

/**
 * Whether a failed attempt is worth retrying: 5xx, 404 (the subscriber may still be starting), 408, 409,
 * 429, network errors and timeouts are; other statuses (other 4xx, 3xx, 1xx) and successes are not.
 */
export function isRetryable(result: AttemptResult): boolean {
  if (result === "network" || result === "timeout") return true;
  return result >= 500 || result === 404 || result === 408 || result === 409 || result === 429;
}
