/**
 * The words the processor masks, matched case-insensitively anywhere in a comment, and replaced by
 * as many `*` as they have characters.
 */
export const BANNED_WORDS: readonly string[] = ["spam", "scam", "idiot", "stupid", "垃圾", "傻瓜"];

const PATTERN = new RegExp(
  BANNED_WORDS.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"),
  "giu",
);

/** The text with every banned word masked, and how many were. */
export function maskBannedWords(text: string): { text: string; masked: number } {
  let masked = 0;
  const out = text.replace(PATTERN, (word) => {
    masked++;
    return "*".repeat([...word].length);
  });
  return { text: out, masked };
}
