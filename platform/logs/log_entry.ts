/** One line in a revision's log: something its function printed, or the access line of one request. */
import type { LogLevel } from "../../runtime/log_capture.ts";

export type { LogLevel };

export interface AccessRecord {
  method: string;
  path: string;
  status: number;
  /** From the request's arrival to the end of its response, ms. */
  durationMs: number;
  /** The request waited for an instance to start from zero. */
  coldStart: boolean;
}

export interface LogEntry {
  /** Epoch ms. */
  time: number;
  namespace: string;
  service: string;
  revision: string;
  /** The instance that printed it or served the request; absent when none did (a refused request). */
  instance?: number;
  level: LogLevel;
  /** `app`: printed by the function; `access`: one line per request. */
  kind: "app" | "access";
  message: string;
  access?: AccessRecord;
  /** The request's trace, when tracing recorded it (the dashboard links to it). */
  traceId?: string;
}

/** The access line's text, in the spirit of a common log line. */
export function accessMessage(a: AccessRecord): string {
  return `${a.method} ${a.path} ${a.status} ${a.durationMs.toFixed(1)}ms${a.coldStart ? " cold-start" : ""}`;
}
