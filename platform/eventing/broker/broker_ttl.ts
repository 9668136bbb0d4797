/**
 * The broker's loop stopper, as Knative's: an event entering a broker gets the extension
 * `knativebrokerttl` (255 unless it already carries one). Subscribers receive events without it;
 * a reply re-enters the broker with the TTL of the event it answers, minus one, and a reply whose
 * TTL reaches zero is dropped, so an endless reply loop ends after 255 hops.
 */
import type { CloudEvent } from "../cloudevents/cloudevent.ts";

export const TTL_EXTENSION = "knativebrokerttl";
export const DEFAULT_TTL = 255;

/** The event's TTL, or undefined when it carries none (or not an integer). */
export function ttlOf(event: CloudEvent): number | undefined {
  const raw = event.extensions[TTL_EXTENSION];
  if (raw === undefined) return undefined;
  const n = typeof raw === "number"
    ? raw
    : typeof raw === "string" && /^-?\d+$/.test(raw.trim())
    ? Number(raw)
    : NaN;
  return Number.isInteger(n) ? n : undefined;
}

/** An event as the ingress stores it: its own TTL kept, the default one given otherwise. */
export function withIngressTtl(event: CloudEvent): CloudEvent {
  const ttl = ttlOf(event) ?? DEFAULT_TTL;
  return { ...event, extensions: { ...event.extensions, [TTL_EXTENSION]: ttl } };
}

/** Whether an event may still travel (a TTL of zero or less means it has looped long enough). */
export function isAlive(event: CloudEvent): boolean {
  return (ttlOf(event) ?? DEFAULT_TTL) > 0;
}

/** The event as a subscriber receives it: the broker's TTL removed. */
export function withoutTtl(event: CloudEvent): CloudEvent {
  if (!(TTL_EXTENSION in event.extensions)) return event;
  const { [TTL_EXTENSION]: _, ...extensions } = event.extensions;
  return { ...event, extensions };
}

/** A reply to `original`, carrying the original's TTL minus one; null when that leaves nothing. */
export function replyWithTtl(reply: CloudEvent, original: CloudEvent): CloudEvent | null {
  const ttl = (ttlOf(original) ?? DEFAULT_TTL) - 1;
  if (ttl <= 0) return null;
  return { ...reply, extensions: { ...reply.extensions, [TTL_EXTENSION]: ttl } };
}
