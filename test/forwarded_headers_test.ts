/** Knative's ingress headers reach a function: X-Forwarded-For, -Host and -Proto, by host and by path. */
import assert from "node:assert/strict";
import { EXAMPLES, hostFetch, Platform } from "./harness.ts";

Deno.test("a function sees X-Forwarded-For, X-Forwarded-Host and X-Forwarded-Proto through both routes", async () => {
  const platform = await Platform.start({ functions: { echo: `${EXAMPLES}/echo` } });
  try {
    await platform.settled("echo");
    const byHost = await (await platform.call("echo", "/x")).json();
    assert.equal(byHost.headers["x-forwarded-host"], `echo.default.localhost:${platform.port}`);
    assert.equal(byHost.headers["x-forwarded-proto"], "http");
    assert.equal(byHost.headers["x-forwarded-for"], "127.0.0.1");
    const byPath = await (await hostFetch(platform.port, `127.0.0.1:${platform.port}`, "/function/echo/y"))
      .json();
    assert.equal(byPath.path, "/y");
    assert.equal(byPath.headers["x-forwarded-host"], `127.0.0.1:${platform.port}`);
    assert.equal(byPath.headers["x-forwarded-proto"], "http");
  } finally {
    await platform.stop();
  }
});
