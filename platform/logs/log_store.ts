/**
 * The bounded in-memory log of every revision: what its functions printed and its access lines.
 * Each revision keeps at most `maxBytes` of entries and none older than `maxAgeMs` (oldest go
 * first), so a chatty function cannot grow the platform. Followers get new entries as they come.
 */
import type { Clock } from "../clock/clock.ts";
import { AccessLine, type LogEntry } from "./log_entry.ts";

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

/** A revision's entries from `start` on: dropped ones are skipped, not shifted out, and compacted now and then. */
interface RevisionLog {
  entries: LogEntry[];
  start: number;
  bytes: number;
}

type Follower = { query: LogQuery; send: (entry: LogEntry) => void };

export class LogStore {
  #logs = new Map<string, RevisionLog>();
  #followers = new Set<Follower>();
  /** Entries dropped to keep the bounds, for /metrics. */
  dropped = 0;

  constructor(private readonly limits: LogStoreLimits, private readonly clock: Clock) {}

  append(entry: LogEntry) {
    const key = `${entry.namespace}/${entry.revision}`;
    let log = this.#logs.get(key);
    if (!log) this.#logs.set(key, log = { entries: [], start: 0, bytes: 0 });
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

  /** Entries that match, oldest first. */
  query(q: LogQuery): LogEntry[] {
    const out: LogEntry[] = [];
    for (const [key, log] of this.#logs) {
      this.#expire(log);
      if (log.entries.length === log.start) {
        this.#logs.delete(key);
        continue;
      }
      for (let i = log.start; i < log.entries.length; i++) {
        if (matches(q, log.entries[i])) out.push(log.entries[i]);
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
  return (e instanceof AccessLine ? e.messageLength : e.message.length) + ENTRY_OVERHEAD;
}

function matches(q: LogQuery, e: LogEntry): boolean {
  return e.namespace === q.namespace && e.service === q.service &&
    (q.revision === undefined || e.revision === q.revision) && (q.since === undefined || e.time >= q.since);
}
