/**
 * How the broker's log keeps an event, exactly: its attributes (core and extensions, with their
 * JSON types) as JSON text, and its data apart, as the very bytes received or as JSON text when the
 * event came in structured mode with a JSON `data` value.
 */
import type { CloudEvent, ExtensionValue } from "../cloudevents/cloudevent.ts";

export interface StoredEvent {
  attrs: string;
  data: Uint8Array | null;
  /** 0: no data, 1: bytes, 2: JSON text of a `data` value. */
  dataKind: 0 | 1 | 2;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function storeEvent(event: CloudEvent): StoredEvent {
  const { data, extensions, ...core } = event;
  const attrs = JSON.stringify({ core, extensions });
  if (data === undefined) return { attrs, data: null, dataKind: 0 };
  if (data instanceof Uint8Array) return { attrs, data, dataKind: 1 };
  return { attrs, data: encoder.encode(JSON.stringify(data)), dataKind: 2 };
}

export function loadEvent(stored: StoredEvent): CloudEvent {
  const { core, extensions } = JSON.parse(stored.attrs) as {
    core: Omit<CloudEvent, "extensions" | "data">;
    extensions: Record<string, ExtensionValue>;
  };
  const event: CloudEvent = { ...core, extensions };
  if (stored.dataKind === 1) event.data = stored.data ?? new Uint8Array();
  else if (stored.dataKind === 2 && stored.data) event.data = JSON.parse(decoder.decode(stored.data));
  return event;
}
