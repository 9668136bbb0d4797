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

/**
 * One request's access line as read from the log (the log keeps lines in columns: see AccessRing);
 * its text and record are made when someone reads them.
 */
export class AccessLine implements LogEntry {
  readonly kind = "access" as const;
  traceId?: string;

  constructor(
    readonly time: number,
    readonly namespace: string,
    readonly service: string,
    readonly revision: string,
    readonly instance: number | undefined,
    readonly method: string,
    /** The request's absolute URL (the line shows its path and query). */
    readonly url: string,
    readonly status: number,
    /** Unrounded. */
    readonly durationMs: number,
    readonly coldStart: boolean,
  ) {}

  get level(): LogLevel {
    return this.status >= 500 ? "error" : "info";
  }

  get access(): AccessRecord {
    return {
      method: this.method,
      path: pathOf(this.url),
      status: this.status,
      durationMs: Math.round(this.durationMs * 10) / 10,
      coldStart: this.coldStart,
    };
  }

  get message(): string {
    return accessMessage(this.access);
  }

  toJSON(): LogEntry {
    const { time, namespace, service, revision, instance, level, kind, message, access, traceId } = this;
    return { time, namespace, service, revision, instance, level, kind, message, access, traceId };
  }
}

/** The path and query of an absolute URL, without parsing it. */
export function pathOf(url: string): string {
  const scheme = url.indexOf("//");
  if (scheme < 0) return url;
  const slash = url.indexOf("/", scheme + 2);
  return slash < 0 ? "/" : url.slice(slash);
}
