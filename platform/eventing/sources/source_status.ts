/**
 * Knative-style status for sources and bindings, as a pure function: each dependent condition
 * (`SinkProvided`, `SecretsProvided`...) is True or False with a reason, and `Ready` is True only
 * when all of them are, else False with the first failing one's reason and message.
 */
import { type Condition, setCondition } from "../../resources/meta.ts";
import type { SinkResolution } from "../event_sender.ts";

export interface ConditionCheck {
  type: string;
  ok: boolean;
  reason?: string;
  message?: string;
}

export interface SourceStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  sinkUri?: string;
  [field: string]: unknown;
}

/** The `SinkProvided` check for a resolution; `reason` is the Knative reason used when it failed. */
export function sinkCheck(resolution: SinkResolution, reason = "NotFound"): ConditionCheck {
  if ("url" in resolution) return { type: "SinkProvided", ok: true };
  return {
    type: "SinkProvided",
    ok: false,
    reason,
    message: `the sink could not be resolved: ${resolution.error}`,
  };
}

/**
 * The next status: the previous conditions updated (transition times kept where nothing changed),
 * `sinkUri` from the resolution, `observedGeneration` and any extra fields.
 */
export function sourceStatus(
  previous: SourceStatus | undefined,
  generation: number | undefined,
  resolution: SinkResolution | undefined,
  checks: ConditionCheck[],
  now: Date,
  extra: Record<string, unknown> = {},
): SourceStatus {
  let conditions = previous?.conditions;
  for (const check of checks) {
    conditions = setCondition(conditions, {
      type: check.type,
      status: check.ok ? "True" : "False",
      reason: check.ok ? undefined : check.reason,
      message: check.ok ? undefined : check.message,
    }, now);
  }
  const failing = checks.find((c) => !c.ok);
  conditions = setCondition(conditions, {
    type: "Ready",
    status: failing ? "False" : "True",
    reason: failing?.reason,
    message: failing?.message,
  }, now);
  const status: SourceStatus = { ...extra, observedGeneration: generation, conditions };
  if (resolution && "url" in resolution) status.sinkUri = resolution.url;
  return status;
}
