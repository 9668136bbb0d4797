/** Reads a log request's query (`revision`, `since`, `tail`, `follow`), refusing bad values by name. */
import { parseDurationMs } from "../autoscaler/duration.ts";
import type { LogQuery } from "./log_store.ts";

export class LogParamError extends Error {}

/** `since` is a duration back from now (`10m`, `1h30m`) or an RFC 3339 time. */
export function parseLogQuery(
  namespace: string,
  service: string,
  params: URLSearchParams,
  now: number,
): LogQuery & { follow: boolean } {
  const q: LogQuery & { follow: boolean } = { namespace, service, follow: false };
  const revision = params.get("revision");
  if (revision) q.revision = revision;
  const since = params.get("since");
  if (since) {
    const ms = parseDurationMs(since);
    const at = ms !== null ? now - ms : Date.parse(since);
    if ((ms !== null && ms < 0) || Number.isNaN(at)) {
      throw new LogParamError(`since: "${since}" is neither a duration like 10m nor an RFC 3339 time`);
    }
    q.since = at;
  }
  const tail = params.get("tail");
  if (tail !== null && tail !== "") {
    const n = Number(tail);
    if (!Number.isInteger(n) || n < 0) {
      throw new LogParamError(`tail: "${tail}" is not a non-negative integer`);
    }
    q.tail = n;
  }
  const follow = params.get("follow");
  if (follow !== null && !["true", "false", "1", "0", ""].includes(follow)) {
    throw new LogParamError(`follow: "${follow}" is not true or false`);
  }
  q.follow = follow === "true" || follow === "1" || follow === "";
  return q;
}
