/**
 * The core `v1` Secret, Kubernetes-shaped. `stringData` is accepted on input and folded into `data`
 * (base64), as the Kubernetes API server does; it is never stored. Values are never shown back:
 * `presentSecret` keeps the keys and blanks the values.
 */
import { z } from "zod";
import type { KObject } from "./meta.ts";
import { type FieldError, zodFieldErrors } from "./field_errors.ts";

export const SECRET_API_VERSION = "v1";
/** Kubernetes' limit on a Secret's total data. */
export const MAX_SECRET_BYTES = 1024 * 1024;
/** kubectl keeps the applied document here, `stringData` included, in clear. */
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Why a key is not a valid Secret key, or undefined. */
export function secretKeyProblem(key: string): string | undefined {
  if (key.length === 0 || key.length > 253) return "a key must have 1 to 253 characters";
  if (!SECRET_KEY.test(key)) return "a key must consist of alphanumeric characters, '-', '_' or '.'";
  if (key === "." || key === "..") return "a key must not be '.' or '..'";
  return undefined;
}

/** A map whose keys are Secret keys; a bad key is reported at its own path. */
function keyedBy<V extends z.ZodType>(value: V) {
  return z.record(z.string(), value).superRefine((map, ctx) => {
    for (const key of Object.keys(map)) {
      const problem = secretKeyProblem(key);
      if (problem) ctx.addIssue({ code: "custom", path: [key], message: problem });
    }
  });
}

export const SecretDocument = z.looseObject({
  apiVersion: z.literal(SECRET_API_VERSION),
  kind: z.literal("Secret"),
  metadata: z.looseObject({
    name: z.string().max(253, "must be at most 253 characters").regex(
      DNS_SUBDOMAIN,
      "must be a DNS subdomain: lowercase letters, digits, '-' and '.'",
    ),
    namespace: z.string(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  type: z.string().min(1, "must not be empty").optional(),
  immutable: z.boolean().optional(),
  data: keyedBy(z.string().regex(BASE64, "must be base64 (standard alphabet, padded)")).optional(),
  stringData: keyedBy(z.string()).optional(),
});

export interface Secret extends KObject {
  type: string;
  immutable?: boolean;
  /** Key -> base64 of the value. */
  data: Record<string, string>;
}

/** Base64 of a string's UTF-8 bytes. */
export function encodeBase64Text(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** The bytes behind a base64 string. */
export function decodeBase64(encoded: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
}

/** Validates a Secret and folds `stringData` into `data` (a `stringData` key wins, as in Kubernetes). */
export function parseSecret(doc: unknown): { secret: Secret; errors: FieldError[] } {
  const parsed = SecretDocument.safeParse(doc);
  if (!parsed.success) return { secret: doc as Secret, errors: zodFieldErrors(parsed.error) };
  const { stringData, data, ...rest } = parsed.data;
  const merged: Record<string, string> = { ...data };
  for (const [key, value] of Object.entries(stringData ?? {})) merged[key] = encodeBase64Text(value);
  const secret = { ...rest, type: rest.type ?? "Opaque", data: merged } as unknown as Secret;
  const errors: FieldError[] = [];
  let size = 0;
  for (const value of Object.values(merged)) size += decodedLength(value);
  if (size > MAX_SECRET_BYTES) {
    errors.push({ path: "data", message: `must hold at most ${MAX_SECRET_BYTES} bytes, it holds ${size}` });
  }
  return { secret, errors };
}

/**
 * What GET and list show of a Secret. Kubernetes returns `data` in base64, which is the value in
 * clear for anyone holding the response; Denative instead lists the keys with every value
 * replaced by an empty string, so a Secret's values never leave the platform through the API.
 * kubectl's last-applied annotation (which can hold `stringData`) is dropped for the same reason.
 */
export function presentSecret(obj: KObject): KObject {
  const secret = obj as Secret;
  const data = Object.fromEntries(Object.keys(secret.data ?? {}).map((k) => [k, ""]));
  const annotations = { ...secret.metadata.annotations };
  delete annotations[LAST_APPLIED];
  const metadata = { ...secret.metadata };
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  else delete metadata.annotations;
  return { ...secret, metadata, data };
}

/** The text of one key of a stored Secret, or undefined when the Secret or the key is missing. */
export function secretValue(secret: KObject | undefined, key: string): string | undefined {
  const encoded = (secret as Secret | undefined)?.data?.[key];
  return encoded === undefined ? undefined : new TextDecoder().decode(decodeBase64(encoded));
}

function decodedLength(base64: string): number {
  const padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}
