export { backoffDelayMs } from "./backoff.ts";
export { type Clock, systemClock } from "./clock.ts";
export {
  type DeadLetterExtensions,
  deadLetterExtensions,
  type DeliveryFailure,
  failureOf,
  KNATIVE_ERROR_DATA_MAX_LENGTH,
  withDeadLetterExtensions,
} from "./dead_letter.ts";
export { DEFAULT_BACKOFF_POLICY, type DeliveryPolicy, resolveDeliveryPolicy } from "./delivery_policy.ts";
export {
  type BackoffPolicy,
  type DeliverySpec,
  type Destination,
  type KReference,
  parseDeliverySpec,
} from "./delivery_spec.ts";
export { DeliverySpecError, type DeliverySpecIssue } from "./delivery_spec_error.ts";
export { parseIsoDuration } from "./iso8601_duration.ts";
export { mergeDelivery } from "./merge_delivery.ts";
export {
  type AttemptContext,
  type AttemptOutcome,
  attemptResultOf,
  retryLoop,
  type RetryLoopOptions,
  type RetryLoopResult,
} from "./retry_loop.ts";
export { type AttemptResult, isRetryable, isSuccessStatus } from "./retryable.ts";
