/**
 * What a page may POST to `/comments`: `{ "text": "...", "author": "..." }`. The text must be 1..100
 * characters once trimmed; `author` is an optional page id the page uses to outline its own comments.
 */

/** The longest comment a page may send, in characters (code points). */
export const MAX_TEXT_LENGTH = 100;
const AUTHOR = /^[A-Za-z0-9_-]{1,40}$/;

/** A comment as the web function writes it to the comments topic. */
export interface RawComment {
  id: string;
  text: string;
  author?: string;
  /** When the web function accepted it, ms since the epoch. */
  sentAt: number;
}

export type CommentInput = { ok: true; text: string; author?: string } | { ok: false; reason: string };

/** Validates a parsed request body; the reason says what is wrong in words a page can show. */
export function parseCommentInput(body: unknown): CommentInput {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, reason: 'the body must be a JSON object like {"text": "..."}' };
  }
  const { text, author } = body as Record<string, unknown>;
  if (typeof text !== "string") return { ok: false, reason: "text must be a string" };
  const trimmed = text.trim();
  if (trimmed.length === 0) return { ok: false, reason: "text must not be empty" };
  const length = [...trimmed].length;
  if (length > MAX_TEXT_LENGTH) {
    return { ok: false, reason: `text is ${length} characters long; at most ${MAX_TEXT_LENGTH} are allowed` };
  }
  if (author === undefined) return { ok: true, text: trimmed };
  if (typeof author !== "string" || !AUTHOR.test(author)) {
    return { ok: false, reason: "author must be 1-40 letters, digits, '-' or '_'" };
  }
  return { ok: true, text: trimmed, author };
}
