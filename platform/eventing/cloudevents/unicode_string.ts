/**
 * Why `text` is not an allowable CloudEvents String, or undefined when it is: control characters
 * (U+0000-U+001F, U+007F-U+009F), lone surrogates and Unicode noncharacters are disallowed.
 */
export function stringProblem(text: string): string | undefined {
  for (const char of text) {
    const cp = char.codePointAt(0)!;
    const hex = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
    if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f)) return `must not contain the control character ${hex}`;
    if (cp >= 0xd800 && cp <= 0xdfff) return `must not contain the lone surrogate ${hex}`;
    if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe) {
      return `must not contain the noncharacter ${hex}`;
    }
  }
  return undefined;
}
