import assert from "node:assert/strict";
import { decodeBase64, encodeBase64 } from "./base64.ts";

Deno.test("encodeBase64() matches btoa and round-trips large inputs", () => {
  assert.equal(encodeBase64(new TextEncoder().encode("hello")), btoa("hello"));
  assert.equal(encodeBase64(new Uint8Array()), "");
  const big = Uint8Array.from({ length: 200_001 }, (_, i) => (i * 7) % 256);
  const back = Uint8Array.from(atob(encodeBase64(big)), (c) => c.charCodeAt(0));
  assert.deepEqual(back, big);
});

Deno.test("decodeBase64() undoes encodeBase64()", () => {
  const big = Uint8Array.from({ length: 70_001 }, (_, i) => (i * 13) % 256);
  assert.deepEqual(decodeBase64(encodeBase64(big)), big);
  assert.deepEqual(decodeBase64(""), new Uint8Array());
});
