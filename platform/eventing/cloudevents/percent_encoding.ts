import { CloudEventError } from "./cloudevent_error.ts";
import { decodeUtf8, encodeUtf8 } from "./utf8.ts";

const HEX = "0123456789ABCDEF";

function mustEncode(cp: number): boolean {
  return cp <= 0x20 || cp >= 0x7f || cp === 0x22 || cp === 0x25;
}

/**
 * Percent-encodes an attribute value for an HTTP header: space, `"`, `%` and everything outside printable
 * ASCII become the `%XY` form of their UTF-8 bytes, upper-case hex.
 */
export function encodeHeaderValue(value: string): string {
  let out = "";
  for (const char of value) {
    if (!mustEncode(char.codePointAt(0)!)) {
      out += char;
      continue;
    }
    for (const byte of encodeUtf8(char)) out += `%${HEX[byte >> 4]}${HEX[byte & 0x0f]}`;
  }
  return out;
}

/** Undoes RFC 7230 quoted-string escaping when the whole value is one quoted string. */
function unquote(raw: string, field: string): string {
  const value = raw.trim();
  if (!value.startsWith('"')) return value;
  let out = "";
  for (let i = 1; i < value.length; i++) {
    const c = value[i];
    if (c === '"') {
      if (i !== value.length - 1) throw new CloudEventError(field, "has text after a closing double quote");
      return out;
    }
    if (c === "\\") {
      i++;
      if (i >= value.length) break;
    }
    out += value[i];
  }
  throw new CloudEventError(field, "has an unterminated quoted string");
}

function hexValue(c: string | undefined): number {
  return c !== undefined && /^[0-9A-Fa-f]$/.test(c) ? parseInt(c, 16) : -1;
}

/**
 * Decodes an HTTP header value into an attribute value: quoted-string unescaping, then exactly one round of
 * percent-decoding. Encoded bytes must form valid UTF-8 (overlong forms are refused). `field` names the
 * attribute in errors.
 */
export function decodeHeaderValue(raw: string, field: string): string {
  const value = unquote(raw, field);
  if (!value.includes("%")) return value;
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] === "%") {
      const high = hexValue(value[i + 1]);
      const low = hexValue(value[i + 2]);
      if (high < 0 || low < 0) {
        throw new CloudEventError(field, `has a malformed percent-encoding at position ${i}`);
      }
      bytes.push(high * 16 + low);
      i += 2;
    } else {
      const cp = value.codePointAt(i)!;
      const char = String.fromCodePoint(cp);
      bytes.push(...encodeUtf8(char));
      i += char.length - 1;
    }
  }
  return decodeUtf8(new Uint8Array(bytes), field);
}
