/**
 * The bounded in-memory log of every revision: what its functions printed and its access lines.
 * Each revision keeps at most `maxBytes` of printed lines and as many access lines as would fit in
 * `maxBytes` (ACCESS_LINE_BYTES each, in an AccessRing of their own, so a burst of requests does not
 * push out what the function printed), none older than `maxAgeMs` (oldest go first): a chatty
 * function cannot grow the platform. Followers get new entries as they come.
 */
import type { Clock } from "../clock/clock.ts";
import type { LogEntry } from "./log_entry.ts";
import { type AccessFields, AccessRing } from "./access_ring.ts";

export interface LogStoreLimits {
  /** Per revision, counted as message length plus a fixed overhead per entry. */
  maxBytes: number;
  maxAgeMs: number;
}

export interface LogQuery {
  namespace: string;
  service: string;
  revision?: string;
  /** Only entries at or after this epoch ms. */
  since?: number;
  /** Only the last N entries (after `since`). */
  tail?: number;
}

/** What an entry costs beyond its message: its fields and object. */
const ENTRY_OVERHEAD = 128;
/** What an access line is counted as against `maxBytes` (its text is ~30 bytes, as an entry it was ~160). */
export const ACCESS_LINE_BYTES = 160;

/**
 * A revision's printed lines from `start` on (dropped ones are skipped, not shifted out, and
 * compacted now and then), and its access lines.
 */
interface RevisionLog {
  entries: LogEntry[];
  start: number;
  bytes: number;
  access?: AccessRing;
}

type Follower = { query: LogQuery; send: (entry: LogEntry) => void };

export class LogStore {
  #logs = new Map<string, RevisionLog>();
  #followers = new Set<Follower>();
  /** Entries dropped to keep the bounds, for /metrics. */
  dropped = 0;

  constructor(private readonly limits: LogStoreLimits, private readonly clock: Clock) {}

  append(entry: LogEntry) {
    const log = this.#log(entry.namespace, entry.revision);
    log.entries.push(entry);
    log.bytes += sizeOf(entry);
    let cut = log.start;
    while (log.bytes > this.limits.maxBytes && cut < log.entries.length) {
      log.bytes -= sizeOf(log.entries[cut++]);
    }
    this.#drop(log, cut - log.start);
    this.#expire(log);
    for (const f of this.#followers) {
      if (matches(f.query, entry)) f.send(entry);
    }
  }

  /**
   * The ring a revision's access lines go to, for appendAccess. Kept by the caller (no lookup per
   * request) until it is `detached`.
   */
  accessRing(namespace: string, service: string, revision: string): AccessRing {
    const log = this.#log(namespace, revision);
    return log.access ??= new AccessRing(
      namespace,
      service,
      revision,
      this.limits.maxBytes / ACCESS_LINE_BYTES,
    );
  }

  /** One request's access line, into its revision's ring (see accessRing). */
  appendAccess(ring: AccessRing, line: AccessFields) {
    if (ring.push(line)) this.dropped++;
    if (this.#followers.size === 0) return;
    const entry = ring.line(ring.size - 1);
    for (const f of this.#followers) {
      if (matches(f.query, entry)) f.send(entry);
    }
  }

  /** Entries that match, oldest first. */
  query(q: LogQuery): LogEntry[] {
    const out: LogEntry[] = [];
    const oldest = this.clock.now() - this.limits.maxAgeMs;
    for (const [key, log] of this.#logs) {
      this.#expire(log);
      const access = log.access;
      if (log.entries.length === log.start && (!access || access.newest < oldest)) {
        this.#logs.delete(key);
        if (access) access.detached = true;
        continue;
      }
      for (let i = log.start; i < log.entries.length; i++) {
        if (matches(q, log.entries[i])) out.push(log.entries[i]);
      }
      if (access && access.namespace === q.namespace && access.service === q.service) {
        for (const line of access.linesSince(Math.max(oldest, q.since ?? 0))) {
          if (matches(q, line)) out.push(line);
        }
      }
    }
    out.sort((a, b) => a.time - b.time);
    return q.tail !== undefined ? out.slice(Math.max(0, out.length - q.tail)) : out;
  }

  /** Calls `send` with every new entry that matches; returns the unsubscribe. */
  follow(q: LogQuery, send: (entry: LogEntry) => void): () => void {
    const f = { query: q, send };
    this.#followers.add(f);
    return () => this.#followers.delete(f);
  }

  #log(namespace: string, revision: string): RevisionLog {
    const key = `${namespace}/${revision}`;
    let log = this.#logs.get(key);
    if (!log) this.#logs.set(key, log = { entries: [], start: 0, bytes: 0 });
    return log;
  }

  #expire(log: RevisionLog) {
    const oldest = this.clock.now() - this.limits.maxAgeMs;
    let cut = log.start;
    while (cut < log.entries.length && log.entries[cut].time < oldest) {
      log.bytes -= sizeOf(log.entries[cut++]);
    }
    this.#drop(log, cut - log.start);
  }

  #drop(log: RevisionLog, n: number) {
    if (n === 0) return;
    log.start += n;
    this.dropped += n;
    // Shifting the array on every append would cost O(entries) per line: compact in bulk instead.
    if (log.start > 1024 && log.start * 2 > log.entries.length) {
      log.entries = log.entries.slice(log.start);
      log.start = 0;
    }
  }
}

function sizeOf(e: LogEntry): number {
  return e.message.length + ENTRY_OVERHEAD;
}

function matches(q: LogQuery, e: LogEntry): boolean {
  return e.namespace === q.namespace && e.service === q.service &&
    (q.revision === undefined || e.revision === q.revision) && (q.since === undefined || e.time >= q.since);
}
