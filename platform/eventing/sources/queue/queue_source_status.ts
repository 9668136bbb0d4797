/**
 * A queue-backed source's status, as a pure function: `SinkProvided`, `ConnectionEstablished`
 * (reasons `Connecting`, `ServerUnreachable`, or the configuration problem's own), `Ready` over
 * both, and `sinkUri`.
 */
import type { SinkResolution } from "../../event_sender.ts";
import { type ConditionCheck, sinkCheck, type SourceStatus, sourceStatus } from "../source_status.ts";
import type { ConnectionState } from "./queue_connection.ts";

export const CONNECTION_CONDITION = "ConnectionEstablished";
export const SERVER_UNREACHABLE = "ServerUnreachable";

export function queueConnectionCheck(state: ConnectionState | undefined, server: string): ConditionCheck {
  const type = CONNECTION_CONDITION;
  if (!state || state.state === "connecting") {
    return { type, ok: false, reason: "Connecting", message: `connecting to ${server}` };
  }
  if (state.state === "unreachable") {
    return {
      type,
      ok: false,
      reason: state.reason ?? SERVER_UNREACHABLE,
      message: state.reason ? state.error : `${server} does not answer: ${state.error}`,
    };
  }
  return { type, ok: true };
}

export function queueSourceStatus(input: {
  previous: SourceStatus | undefined;
  generation: number | undefined;
  sink: SinkResolution;
  connection: ConditionCheck;
  now: Date;
  extra?: Record<string, unknown>;
}): SourceStatus {
  return sourceStatus(
    input.previous,
    input.generation,
    input.sink,
    [sinkCheck(input.sink), input.connection],
    input.now,
    input.extra,
  );
}
