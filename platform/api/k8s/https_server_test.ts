import assert from "node:assert/strict";
import { serveHttps } from "./https_server.ts";
import { ensureTlsMaterial } from "./tls_material.ts";

Deno.test("https server: answers over TLS, streams chunk by chunk, and close() ends open streams", async () => {
  const dir = await Deno.makeTempDir();
  const tls = await ensureTlsMaterial(dir, ["127.0.0.1"]);
  let push: (text: string) => void = () => {};
  const server = await serveHttps(
    { port: 0, hostname: "127.0.0.1", cert: tls.certPem, key: tls.keyPem },
    (req) => {
      if (new URL(req.url).pathname === "/big") return new Response("x".repeat(100_000));
      const body = new ReadableStream<string>({ start: (c) => void (push = (t) => c.enqueue(t)) })
        .pipeThrough(new TextEncoderStream());
      return new Response(body, { headers: { "content-type": "application/json" } });
    },
  );
  const client = Deno.createHttpClient({ caCerts: [tls.caPem] });
  try {
    assert.ok(server.port > 0);
    const big = await fetch(`https://127.0.0.1:${server.port}/big`, { client });
    assert.equal((await big.text()).length, 100_000);

    const res = await fetch(`https://127.0.0.1:${server.port}/watch`, { client });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    push('{"type":"ADDED"}\n');
    assert.equal(
      (await reader.read()).value,
      '{"type":"ADDED"}\n',
      "a chunk arrives before the response ends",
    );
    await server.close();
    let rest = "";
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value;
    } catch { /* the connection was cut: also an end */ }
    assert.equal(rest, "");
  } finally {
    client.close();
    await Deno.remove(dir, { recursive: true });
  }
});
