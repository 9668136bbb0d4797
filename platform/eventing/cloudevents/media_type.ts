/** A parsed RFC 2046 media type; `type`, `subtype` and parameter names are lowercased. */
export interface MediaType {
  type: string;
  subtype: string;
  parameters: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/** Parses `type/subtype *(; name=value)`; undefined when the text is not a media type. */
export function parseMediaType(text: string): MediaType | undefined {
  let rest = text.trim();
  const type = TOKEN.exec(rest)?.[0];
  if (!type || rest[type.length] !== "/") return undefined;
  rest = rest.slice(type.length + 1);
  const subtype = TOKEN.exec(rest)?.[0];
  if (!subtype) return undefined;
  rest = rest.slice(subtype.length);
  const parameters: Record<string, string> = {};
  while (true) {
    rest = rest.trimStart();
    if (rest === "") break;
    if (rest[0] !== ";") return undefined;
    rest = rest.slice(1).trimStart();
    const name = TOKEN.exec(rest)?.[0];
    if (!name || rest[name.length] !== "=") return undefined;
    rest = rest.slice(name.length + 1);
    const value = readParameterValue(rest);
    if (!value) return undefined;
    parameters[name.toLowerCase()] = value.value;
    rest = rest.slice(value.length);
  }
  return { type: type.toLowerCase(), subtype: subtype.toLowerCase(), parameters };
}

function readParameterValue(rest: string): { value: string; length: number } | undefined {
  if (rest[0] !== '"') {
    const token = TOKEN.exec(rest)?.[0];
    return token ? { value: token, length: token.length } : undefined;
  }
  let value = "";
  for (let i = 1; i < rest.length; i++) {
    const c = rest[i];
    if (c === '"') return { value, length: i + 1 };
    if (c === "\\") {
      i++;
      if (i >= rest.length) return undefined;
      value += rest[i];
    } else {
      value += c;
    }
  }
  return undefined;
}

export function isMediaType(text: string): boolean {
  return parseMediaType(text) !== undefined;
}

/** `type/subtype` without parameters, lowercased; undefined when the text is not a media type. */
export function mediaTypeEssence(text: string): string | undefined {
  const parsed = parseMediaType(text);
  return parsed && `${parsed.type}/${parsed.subtype}`;
}

/**
 * Whether a `datacontenttype` declares JSON data (`*\/json` or `*\/*+json`). An absent content type counts as
 * JSON, as the JSON event format prescribes.
 */
export function isJsonMediaType(text: string | undefined): boolean {
  if (text === undefined) return true;
  const parsed = parseMediaType(text);
  return parsed !== undefined && (parsed.subtype === "json" || parsed.subtype.endsWith("+json"));
}
