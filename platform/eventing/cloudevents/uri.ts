// RFC 3986 character classes: unreserved, reserved (gen-delims and sub-delims) and percent-encoded octets.
const URI_CHARS = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;

function schemeOf(text: string): string | undefined {
  const colon = text.indexOf(":");
  if (colon < 0) return undefined;
  const delimiter = text.search(/[/?#]/);
  if (delimiter >= 0 && delimiter < colon) return undefined;
  return text.slice(0, colon);
}

/** Whether `text` is an RFC 3986 URI-reference (an absolute URI or a relative reference). */
export function isUriReference(text: string): boolean {
  if (!URI_CHARS.test(text)) return false;
  const scheme = schemeOf(text);
  // A relative reference cannot have a colon in its first path segment, so such a prefix must be a scheme.
  return scheme === undefined || SCHEME.test(scheme);
}

/** Whether `text` is an absolute RFC 3986 URI (it has a scheme). */
export function isAbsoluteUri(text: string): boolean {
  const scheme = schemeOf(text);
  return scheme !== undefined && SCHEME.test(scheme) && URI_CHARS.test(text);
}
