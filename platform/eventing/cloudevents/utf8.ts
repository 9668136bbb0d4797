import { CloudEventError } from "./cloudevent_error.ts";

const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** Decodes UTF-8 strictly (overlong forms and invalid sequences are refused), keeping a leading BOM. */
export function decodeUtf8(bytes: Uint8Array, field: string): string {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    throw new CloudEventError(field, "is not valid UTF-8");
  }
}

export function encodeUtf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}
