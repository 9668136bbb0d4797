/**
 * The network policy, probed from inside a real function: no listening on every interface, no
 * connection to the platform's admin or API port, the local service ports under every loopback
 * name, or the cloud metadata address; the data plane (other functions) stays reachable. Denials are
 * Deno's permission errors (NotCapable), raised before any packet leaves.
 */
import assert from "node:assert/strict";
import { EXAMPLES, FIXTURES, Platform } from "./harness.ts";

Deno.test("a function cannot listen or reach platform endpoints and local services, and can call other functions", async () => {
  const platform = await Platform.start({
    functions: { probe: `${FIXTURES}/net_probe`, echo: `${EXAMPLES}/echo` },
    env: { DENATIVE_DENY_NET: "127.0.0.1:7777" },
  });
  try {
    await platform.settled("probe");
    await platform.settled("echo");
    const denied = [
      `127.0.0.1:${platform.adminPort}`,
      `localhost:${platform.adminPort}`,
      `127.0.0.1:${platform.apiPort}`,
      "127.0.0.1:5432",
      "[::1]:5432",
      "localhost:6379",
      "127.0.0.1:9092",
      "127.0.0.1:7777",
      "169.254.169.254:80",
    ];
    const echo = `http://127.0.0.1:${platform.port}/function/echo/`;
    const query = new URLSearchParams({ connect: denied.join(","), listen: "0.0.0.0,::", fetch: echo });
    const res = await platform.call("probe", `/?${query}`);
    const seen = await res.json() as Record<string, string>;
    for (const target of denied) {
      assert.equal(seen[target], "NotCapable", `${target}: ${JSON.stringify(seen)}`);
    }
    assert.equal(seen["listen 0.0.0.0"], "NotCapable");
    assert.equal(seen["listen ::"], "NotCapable");
    assert.equal(seen[`fetch ${echo}`], "200", "the data plane is reachable");
  } finally {
    await platform.stop();
  }
});
