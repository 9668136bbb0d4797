import type { CloudEvent } from "./cloudevent.ts";
import { CloudEventError } from "./cloudevent_error.ts";
import { CORE_ATTRIBUTES } from "./cloudevent.ts";
import { parseEventAttributes } from "./event_schema.ts";

/**
 * Checks an event built in code against the CloudEvents rules and returns a normalised copy (unset optional
 * attributes dropped, `extensions` always present). Throws `CloudEventError` naming the offending attribute.
 */
export function validateEvent(event: CloudEvent): CloudEvent {
  const members: Record<string, unknown> = {};
  for (const name of CORE_ATTRIBUTES) members[name] = event[name];
  for (const [name, value] of Object.entries(event.extensions ?? {})) {
    if (Object.hasOwn(members, name)) {
      throw new CloudEventError(name, "an extension cannot reuse the name of a core attribute");
    }
    if (value === undefined) continue;
    members[name] = value;
  }
  const validated: CloudEvent = parseEventAttributes(members);
  if (event.data !== undefined) validated.data = event.data;
  return validated;
}
