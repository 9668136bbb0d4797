/** One element of a LIKE pattern: `%`, `_`, or a literal character (a code point, or a UTF-16 unit). */
type PatternPart = { readonly kind: "any" } | { readonly kind: "one" } | {
  readonly kind: "char";
  readonly char: string;
};

/** A LIKE pattern, compiled once; `matches` runs in O(value x pattern) at worst, without backtracking blowups. */
export interface LikePattern {
  readonly source: string;
  matches(value: string): boolean;
}

const ANY = { kind: "any" } as const;
const ONE = { kind: "one" } as const;

/**
 * Compiles a LIKE pattern (section 3.4.3): `%` is any run of characters, `_` exactly one, and `\%` / `\_`
 * match those characters literally. Every other character, a lone backslash included, matches itself.
 */
export function compileLikePattern(source: string): LikePattern {
  const chars = Array.from(source);
  const parts: PatternPart[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    const next = chars[i + 1];
    if (c === "\\" && (next === "%" || next === "_")) {
      parts.push({ kind: "char", char: next });
      i++;
    } else if (c === "%") {
      // Consecutive `%` mean the same as one.
      if (parts.at(-1)?.kind !== "any") parts.push(ANY);
    } else if (c === "_") {
      parts.push(ONE);
    } else {
      parts.push({ kind: "char", char: c });
    }
  }
  if (parts.some((part) => part.kind === "one")) {
    return { source, matches: (value) => matchParts(parts, Array.from(value)) };
  }
  // Without `_`, code points never need to be told apart: match UTF-16 units and skip splitting the value.
  const unitParts = parts.flatMap((part): PatternPart[] =>
    part.kind === "char" ? part.char.split("").map((char) => ({ kind: "char", char })) : [part]
  );
  return { source, matches: (value) => matchParts(unitParts, value) };
}

/** Wildcard matching that, on a mismatch, only ever retries from the most recent `%`. */
function matchParts(parts: readonly PatternPart[], chars: ArrayLike<string>): boolean {
  let p = 0;
  let c = 0;
  let lastAny = -1;
  let resumeAt = 0;
  while (c < chars.length) {
    const part = parts[p];
    if (part !== undefined && (part.kind === "one" || (part.kind === "char" && part.char === chars[c]))) {
      p++;
      c++;
    } else if (part?.kind === "any") {
      lastAny = p++;
      resumeAt = c;
    } else if (lastAny >= 0) {
      p = lastAny + 1;
      c = ++resumeAt;
    } else {
      return false;
    }
  }
  while (parts[p]?.kind === "any") p++;
  return p === parts.length;
}
