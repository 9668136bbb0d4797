/** A hello server under load: where to send requests, and how to stop it. */
import { hostFetch } from "../test/harness.ts";

export interface HelloServer {
  /** Row label, e.g. "Denative (platform)". */
  readonly name: string;
  readonly port: number;
  /** Host header to send. */
  readonly host: string;
  /** The serving process; its CPU time is counted with its descendants' (pool hosts). */
  readonly rootPid: number;
  stop(): Promise<void>;
}

/** Waits until `GET /` with this Host answers 200 and returns the body. */
export async function waitUntilAnswers(port: number, host: string, timeoutMs = 30_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < until) {
    try {
      const res = await hostFetch(port, host, "/");
      const body = await res.text();
      if (res.status === 200) return body;
      last = `${res.status} ${body}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`127.0.0.1:${port} (Host ${host}) did not answer 200 within ${timeoutMs} ms: ${last}`);
}
