/**
 * GitHub's webhook signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`,
 * keyed with the webhook secret. The check compares every byte whatever the input, so its time
 * says nothing about how much of a forged signature was right.
 */

export const SIGNATURE_HEADER = "x-hub-signature-256";
const PREFIX = "sha256=";
const DIGEST_BYTES = 32;

/**
 * Equality of two byte sequences in time that depends only on their lengths: no early exit, every
 * byte of the longer one is read.
 */
export function constantTimeEqual(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const length = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

export async function hmacSha256(secret: string, body: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, body));
}

/** The header value GitHub would send for `body` signed with `secret`. */
export async function signatureHeader(secret: string, body: Uint8Array<ArrayBuffer>): Promise<string> {
  const mac = await hmacSha256(secret, body);
  return PREFIX + Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The 32 bytes a `sha256=<64 hex digits>` header carries, or undefined when it is malformed. */
export function parseSignatureHeader(value: string): Uint8Array | undefined {
  const trimmed = value.trim();
  if (!trimmed.toLowerCase().startsWith(PREFIX)) return undefined;
  const hex = trimmed.slice(PREFIX.length);
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return undefined;
  const bytes = new Uint8Array(DIGEST_BYTES);
  for (let i = 0; i < DIGEST_BYTES; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

export type SignatureCheck = "valid" | "missing" | "malformed" | "mismatch";

/** Checks a request body against its `X-Hub-Signature-256` header value (null when absent). */
export async function checkSignature(
  secret: string,
  body: Uint8Array<ArrayBuffer>,
  header: string | null,
): Promise<SignatureCheck> {
  if (header === null || header.trim() === "") return "missing";
  const given = parseSignatureHeader(header);
  const expected = await hmacSha256(secret, body);
  // Compared even when malformed (against zeros), so both paths do the same work.
  const same = constantTimeEqual(given ?? new Uint8Array(DIGEST_BYTES), expected);
  if (!given) return "malformed";
  return same ? "valid" : "mismatch";
}
