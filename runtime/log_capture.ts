/**
 * What a function prints, captured inside its isolate: `console.*` calls (and the uncaught errors the
 * instance reports through console.error) become log records with a time and a level, handed to
 * `emit`, which sends them over the instance's link. A pool host runs several revisions' isolates,
 * so the host's stderr could not tell them apart; the isolate knows whose code it runs.
 */

export type LogLevel = "debug" | "info" | "warn" | "error";

/** One line a function printed, as it travels to the supervisor (a Log frame's JSON payload). */
export interface CapturedLog {
  /** Epoch ms. */
  time: number;
  level: LogLevel;
  message: string;
}

/** A longer message is cut here: one runaway print must not fill a revision's whole log store. */
export const MAX_LOG_MESSAGE = 16 * 1024;

const LEVEL_OF: Record<string, LogLevel> = {
  debug: "debug",
  trace: "debug",
  log: "info",
  info: "info",
  warn: "warn",
  error: "error",
  assert: "error",
};

/** Formats console arguments as Deno's console does (format specifiers aside): strings as they are, the rest inspected. */
export function formatArgs(args: unknown[]): string {
  const text = args.map((a) => typeof a === "string" ? a : Deno.inspect(a, { colors: false, depth: 4 })).join(
    " ",
  );
  return text.length > MAX_LOG_MESSAGE ? `${text.slice(0, MAX_LOG_MESSAGE)}… (cut)` : text;
}

/** Replaces the console's printing methods with ones that hand each line to `emit`. */
export function captureConsole(target: Console, emit: (log: CapturedLog) => void, now = () => Date.now()) {
  for (const [method, level] of Object.entries(LEVEL_OF)) {
    if (method === "assert") {
      target.assert = (condition?: boolean, ...args: unknown[]) => {
        if (condition) return;
        emit({
          time: now(),
          level,
          message: `Assertion failed${args.length ? `: ${formatArgs(args)}` : ""}`,
        });
      };
      continue;
    }
    (target as unknown as Record<string, (...args: unknown[]) => void>)[method] = (...args: unknown[]) =>
      emit({ time: now(), level, message: formatArgs(args) });
  }
}
