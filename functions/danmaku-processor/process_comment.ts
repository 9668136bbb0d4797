/**
 * What the processor does to one comment: tidy its text, mask banned words, and give it a lane, a
 * colour and a speed derived from the text alone (the same text always looks the same), stamped with
 * when it was processed.
 */
import { maskBannedWords } from "./banned_words.ts";
import { textHash } from "./text_hash.ts";

/** The stage's lanes; a page maps lane `n` to the n-th of this many rows. */
export const LANES = 12;
/** The longest text passed on, in characters; the web function already refuses longer ones. */
const MAX_TEXT_LENGTH = 100;
/** Bright colours that read well over a dark video; white is the most common, as on real danmaku sites. */
const COLORS = [
  "#ffffff",
  "#ffffff",
  "#ffffff",
  "#ffe066",
  "#7cf5c7",
  "#7cd3ff",
  "#ff9ecf",
  "#c3a6ff",
  "#ffb38a",
];

/** A comment as the web function wrote it to the comments topic. */
export interface RawComment {
  id: string;
  text: string;
  author?: string;
  sentAt?: number;
}

/** A comment ready to fly: what the processor writes to the processed topic. */
export interface ProcessedComment {
  id: string;
  text: string;
  author?: string;
  /** How many banned words were masked. */
  masked: number;
  /** Row of the stage, `0..LANES-1`. */
  lane: number;
  color: string;
  /** Seconds to cross the stage. */
  speed: number;
  sentAt?: number;
  /** When the processor finished with it, ms since the epoch. */
  processedAt: number;
  /** The revision that processed it. */
  processedBy: string;
}

/** Checks that an event's data is a comment; the reason names what is wrong. */
export function parseRawComment(data: unknown): { comment: RawComment } | { error: string } {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { error: "data must be a JSON object" };
  }
  const { id, text, author, sentAt } = data as Record<string, unknown>;
  if (typeof id !== "string" || id === "") return { error: "data.id must be a non-empty string" };
  if (typeof text !== "string") return { error: "data.text must be a string" };
  const comment: RawComment = { id, text };
  if (typeof author === "string") comment.author = author;
  if (typeof sentAt === "number") comment.sentAt = sentAt;
  return { comment };
}

export function processComment(raw: RawComment, processedBy: string, now: number): ProcessedComment {
  const tidy = [...raw.text.trim().replace(/\s+/g, " ")].slice(0, MAX_TEXT_LENGTH).join("");
  const { text, masked } = maskBannedWords(tidy);
  const hash = textHash(tidy);
  const processed: ProcessedComment = {
    id: raw.id,
    text,
    masked,
    lane: hash % LANES,
    color: COLORS[(hash >>> 8) % COLORS.length],
    speed: 7 + ((hash >>> 16) % 4),
    processedAt: now,
    processedBy,
  };
  if (raw.author !== undefined) processed.author = raw.author;
  if (raw.sentAt !== undefined) processed.sentAt = raw.sentAt;
  return processed;
}

/** How long the simulated work on a comment takes, 20..50 ms, from its text. */
export function workMs(text: string): number {
  return 20 + (textHash(text) % 31);
}
