/**
 * The platform's own log on stderr: readable lines with the component (and revision, where there is one)
 * up front, or one JSON object per line for log shippers (`--log-format json`). `--quiet` leaves out
 * info-level lines.
 */
import type { LogFormat } from "./config.ts";

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  child(component: string): Logger;
}

export type LogLevel = "info" | "warn" | "error";

export interface LogOptions {
  quiet?: boolean;
  format?: LogFormat;
  /** Where lines go; stderr unless a test says otherwise. */
  write?: (line: string) => void;
  now?: () => Date;
}

const encoder = new TextEncoder();
const toStderr = (line: string) => Deno.stderr.writeSync(encoder.encode(line));

/** One log line, with its newline. */
export function formatLogLine(
  format: LogFormat,
  time: Date,
  level: LogLevel,
  component: string,
  msg: string,
): string {
  if (format === "json") {
    return `${JSON.stringify({ time: time.toISOString(), level, component, msg })}\n`;
  }
  return `${time.toISOString()} ${level.padEnd(5)} [${component}] ${msg}\n`;
}

export function createLogger(component = "denative", options: LogOptions = {}): Logger {
  const { quiet = false, format = "text", write = toStderr, now = () => new Date() } = options;
  const log = (level: LogLevel, msg: string) => {
    if (quiet && level === "info") return;
    write(formatLogLine(format, now(), level, component, msg));
  };
  return {
    info: (m) => log("info", m),
    warn: (m) => log("warn", m),
    error: (m) => log("error", m),
    child: (c) => createLogger(c, options),
  };
}

/** What console.* would print for these arguments. */
export function consoleText(args: unknown[]): string {
  return args.map((a) => typeof a === "string" ? a : Deno.inspect(a, { colors: false })).join(" ");
}

/**
 * Sends this process's console output (libraries' included) through `log`, so that with
 * `--log-format json` every line on stderr is JSON.
 */
export function routeConsoleTo(log: Logger): void {
  console.log = (...args: unknown[]) => log.info(consoleText(args));
  console.info = console.log;
  console.warn = (...args: unknown[]) => log.warn(consoleText(args));
  console.error = (...args: unknown[]) => log.error(consoleText(args));
}
