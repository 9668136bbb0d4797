/** Ctrl-C (SIGTERM/SIGINT): the platform stops taking requests, lets in-flight ones finish, then exits. */
import assert from "node:assert/strict";
import { FIXTURES, Platform } from "./harness.ts";

Deno.test("shutdown: in-flight requests finish, new ones are refused, the process exits", async () => {
  const platform = await Platform.start({ functions: { slow: `${FIXTURES}/slow` } });
  let stopped = false;
  try {
    const inFlight = platform.call("slow", "/?ms=1500");
    await new Promise((r) => setTimeout(r, 300));
    const stopping = platform.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 300));
    const late = await platform.call("slow", "/?ms=1").then((r) => r.status).catch(() => "refused");
    assert.equal(late, "refused");
    const res = await inFlight;
    assert.equal(res.status, 200);
    assert.equal((await res.json()).maxInFlight, 1);
    await stopping;
    assert.match(platform.logs, /stopped/);
  } finally {
    if (!stopped) await platform.stop();
  }
});
