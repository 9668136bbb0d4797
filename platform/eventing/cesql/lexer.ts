import { CesqlParseError } from "./errors.ts";

export type Punctuation =
  | "("
  | ")"
  | ","
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "="
  | "!="
  | "<>"
  | "<"
  | "<="
  | ">"
  | ">=";

/**
 * A lexical token. `word` covers keywords, identifiers and function names alike: which one a word is depends on
 * where it stands, so the parser decides. `integer` is unsigned; signs are operators until the parser folds them.
 */
export type Token =
  | { readonly kind: "integer"; readonly text: string; readonly start: number; readonly end: number }
  | { readonly kind: "string"; readonly value: string; readonly start: number; readonly end: number }
  | { readonly kind: "word"; readonly text: string; readonly start: number; readonly end: number }
  | { readonly kind: Punctuation; readonly start: number; readonly end: number }
  | { readonly kind: "eof"; readonly start: number; readonly end: number };

const WHITESPACE = new Set([" ", "\t", "\r", "\n"]);
const WORD_CHAR = /[A-Za-z0-9_]/;
const DIGITS = /^[0-9]+$/;
const SINGLE = new Map<string, Punctuation>(
  (["(", ")", ",", "+", "-", "*", "/", "%", "=", "<", ">"] as const).map((p) => [p, p]),
);

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (WHITESPACE.has(c)) {
      i++;
      continue;
    }
    const start = i;
    if (WORD_CHAR.test(c)) {
      while (i < source.length && WORD_CHAR.test(source[i])) i++;
      const text = source.slice(start, i);
      tokens.push({ kind: DIGITS.test(text) ? "integer" : "word", text, start, end: i });
      continue;
    }
    if (c === "'" || c === '"') {
      const { value, end } = readString(source, start);
      tokens.push({ kind: "string", value, start, end });
      i = end;
      continue;
    }
    const two = source.slice(i, i + 2);
    if (two === "!=" || two === "<>" || two === "<=" || two === ">=") {
      tokens.push({ kind: two, start, end: i + 2 });
      i += 2;
      continue;
    }
    const single = SINGLE.get(c);
    if (single === undefined) throw new CesqlParseError(`unexpected character '${c}'`, start);
    tokens.push({ kind: single, start, end: i + 1 });
    i++;
  }
  tokens.push({ kind: "eof", start: source.length, end: source.length });
  return tokens;
}

/**
 * Reads a quoted string literal starting at `start`. Inside it, a backslash before either quote character
 * yields that quote, and a doubled delimiter yields one delimiter. Any other backslash is kept as written, so
 * that a LIKE pattern still sees its `\%` and `\_` escapes.
 */
function readString(source: string, start: number): { value: string; end: number } {
  const quote = source[start];
  let value = "";
  let i = start + 1;
  while (i < source.length) {
    const c = source[i];
    if (c === "\\" && i + 1 < source.length) {
      const next = source[i + 1];
      value += next === "'" || next === '"' ? next : c + next;
      i += 2;
    } else if (c === quote) {
      if (source[i + 1] !== quote) return { value, end: i + 1 };
      value += quote;
      i += 2;
    } else {
      value += c;
      i++;
    }
  }
  throw new CesqlParseError("unterminated string literal", start);
}
