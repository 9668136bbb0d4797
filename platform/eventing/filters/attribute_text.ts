import { type CloudEventAttributes, readAttribute } from "../cesql/mod.ts";

/**
 * An event attribute as the string dialects compare it, or undefined when the event lacks it. Integer and
 * Boolean extensions compare by their text (`7`, `true`), like Knative's `%v` formatting.
 */
export function attributeText(event: CloudEventAttributes, name: string): string | undefined {
  const value = readAttribute(event, name);
  return value === undefined ? undefined : String(value);
}
