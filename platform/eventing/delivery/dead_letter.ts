import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import type { AttemptOutcome } from "./retry_loop.ts";

/** The longest `knativeerrordata` value; longer base64 is cut, as Knative does. */
export const KNATIVE_ERROR_DATA_MAX_LENGTH = 1024;

/** Why an event is dead-lettered: where it failed, the last status, and the last response body. */
export interface DeliveryFailure {
  /** The subscriber URL. */
  destination: string;
  status: number;
  body?: Uint8Array | string;
}

export interface DeadLetterExtensions {
  knativeerrordest: string;
  knativeerrorcode: number;
  /** Base64 of the response body, at most 1024 characters; absent when the body was empty. */
  knativeerrordata?: string;
}

/** The failure behind a final attempt outcome. Network errors and timeouts count as 500, as in Knative. */
export function failureOf(
  destination: string,
  outcome: AttemptOutcome<{ status: number; body?: Uint8Array | string }>,
): DeliveryFailure {
  switch (outcome.kind) {
    case "response":
      return { destination, status: outcome.response.status, body: outcome.response.body };
    case "network":
      return { destination, status: 500, body: `dispatch error: ${errorMessage(outcome.error)}` };
    case "timeout":
      return { destination, status: 500, body: `dispatch error: timed out after ${outcome.timeoutMs}ms` };
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function deadLetterExtensions(failure: DeliveryFailure): DeadLetterExtensions {
  const extensions: DeadLetterExtensions = {
    knativeerrordest: failure.destination,
    knativeerrorcode: failure.status,
  };
  const body = typeof failure.body === "string" ? new TextEncoder().encode(failure.body) : failure.body;
  if (body !== undefined && body.length > 0) {
    extensions.knativeerrordata = body.toBase64().slice(0, KNATIVE_ERROR_DATA_MAX_LENGTH);
  }
  return extensions;
}

/** The original event, unchanged but for the Knative error extensions, ready for the dead-letter sink. */
export function withDeadLetterExtensions(event: CloudEvent, failure: DeliveryFailure): CloudEvent {
  const { knativeerrordata: _, ...rest } = event.extensions;
  return { ...event, extensions: { ...rest, ...deadLetterExtensions(failure) } };
}
