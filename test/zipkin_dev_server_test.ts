/**
 * `deno task zipkin:up` / `zipkin:down`: a real Zipkin server from Maven Central on loopback, that takes
 * Zipkin v2 spans and gives the trace back, then stops. Run on a port of its own, so a developer's Zipkin on
 * 9411 is left alone. Needs Java 17+ and Maven; without them it is skipped, except under CI=true.
 */
import assert from "node:assert/strict";
import { findJava } from "../devtools/java_runtime.ts";
import { freePort } from "./harness.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const inCi = Deno.env.get("CI") === "true";
const missing = await findJava().then(() => undefined, (e: Error) => e.message);
if (missing && !inCi) console.warn(`skipping "zipkin dev server": ${missing}`);

async function task(name: string, port: number) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", name],
    cwd: ROOT,
    env: { ZIPKIN_PORT: String(port), NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b).trim();
  assert.ok(out.success, `${name}: ${text(out.stderr)}`);
  return text(out.stdout);
}

Deno.test({
  name: "zipkin dev server: up on loopback, takes spans, gives the trace back, down",
  ignore: missing !== undefined && !inCi,
  async fn() {
    if (missing) throw new Error(`CI=true requires Java for Zipkin: ${missing}`);
    const port = freePort();
    try {
      const url = await task("zipkin:up", port);
      assert.equal(url.split("\n").at(-1), `http://127.0.0.1:${port}`);
      const traceId = crypto.randomUUID().replaceAll("-", "");
      const span = {
        traceId,
        id: traceId.slice(0, 16),
        name: "probe",
        timestamp: Date.now() * 1000,
        duration: 1500,
        localEndpoint: { serviceName: "denative-test" },
      };
      const posted = await fetch(`http://127.0.0.1:${port}/api/v2/spans`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify([span]),
      });
      await posted.body?.cancel();
      assert.equal(posted.status, 202);
      let trace: { name: string }[] = [];
      for (let i = 0; i < 50 && trace.length === 0; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/api/v2/trace/${traceId}`);
        trace = res.ok ? await res.json() : (await res.body?.cancel(), []);
        if (trace.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(trace[0]?.name, "probe");
      assert.equal(
        await task("zipkin:up", port).then((o) => o.split("\n").at(-1)),
        `http://127.0.0.1:${port}`,
      );
    } finally {
      await task("zipkin:down", port);
    }
    await assert.rejects(fetch(`http://127.0.0.1:${port}/health`));
  },
});
