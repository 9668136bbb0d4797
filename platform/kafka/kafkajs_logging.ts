/**
 * kafkajs' logs, into the platform logger: only warnings and errors (both as warnings: Denative
 * reports the consequences itself, on the resources' status), and each distinct line at most once
 * per `repeatAfterMs`, since a broker outage makes kafkajs repeat the same complaint many times a
 * second.
 */
import { type logCreator, logLevel } from "kafkajs";
import type { Logger } from "../log.ts";

/** How often the same kafkajs line may be logged again. */
export const KAFKAJS_LOG_REPEAT_MS = 30_000;
/** Distinct lines remembered for throttling; the oldest are forgotten first. */
const REMEMBERED_LINES = 200;

export function kafkajsLogCreator(log: Logger, repeatAfterMs = KAFKAJS_LOG_REPEAT_MS): logCreator {
  const lastLogged = new Map<string, number>();
  return () => ({ namespace, level, log: entry }) => {
    if (level === logLevel.NOTHING || level > logLevel.WARN) return;
    const error = typeof entry.error === "string" && !entry.message.includes(entry.error)
      ? `: ${entry.error}`
      : "";
    const line = `${namespace ? `${namespace}: ` : ""}${entry.message}${error}`;
    const now = Date.now();
    const last = lastLogged.get(line);
    if (last !== undefined && now - last < repeatAfterMs) return;
    lastLogged.delete(line);
    lastLogged.set(line, now);
    if (lastLogged.size > REMEMBERED_LINES) lastLogged.delete(lastLogged.keys().next().value!);
    log.warn(line);
  };
}
