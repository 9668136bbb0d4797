import { type CloudEvent, CORE_ATTRIBUTES, type ExtensionValue } from "./cloudevent.ts";

/** All context attributes of an event, core and extensions, as one flat map (data excluded). */
export function eventAttributes(event: CloudEvent): Record<string, ExtensionValue> {
  const attributes: Record<string, ExtensionValue> = {};
  for (const name of CORE_ATTRIBUTES) {
    const value = event[name];
    if (value !== undefined) attributes[name] = value;
  }
  for (const [name, value] of Object.entries(event.extensions)) {
    if (value !== undefined) attributes[name] = value;
  }
  return attributes;
}

/** One context attribute (core or extension) by name; undefined when unset. */
export function attributeValue(event: CloudEvent, name: string): ExtensionValue | undefined {
  if ((CORE_ATTRIBUTES as readonly string[]).includes(name)) {
    return event[name as typeof CORE_ATTRIBUTES[number]];
  }
  return Object.hasOwn(event.extensions, name) ? event.extensions[name] : undefined;
}

/** The canonical string form of an attribute value, as carried in headers. */
export function canonicalString(value: ExtensionValue): string {
  return typeof value === "string" ? value : String(value);
}
