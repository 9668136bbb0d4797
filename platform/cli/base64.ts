/** Base64 of bytes of any size (`btoa` takes a string, built here in chunks to keep the stack small). */
export function encodeBase64(data: Uint8Array): string {
  const CHUNK = 0x8000;
  let binary = "";
  for (let i = 0; i < data.length; i += CHUNK) {
    binary += String.fromCharCode(...data.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}
