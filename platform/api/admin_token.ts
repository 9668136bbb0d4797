/** The admin bearer token: generated once into `<state>/admin-token` (mode 0600) and reused. */
import { encodeHex } from "../store/hex.ts";

export async function loadOrCreateToken(path: string): Promise<string> {
  try {
    const existing = (await Deno.readTextFile(path)).trim();
    if (existing) return existing;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const token = encodeHex(crypto.getRandomValues(new Uint8Array(24)));
  await Deno.writeTextFile(path, `${token}\n`, { mode: 0o600 });
  await Deno.chmod(path, 0o600);
  return token;
}
