import assert from "node:assert/strict";
import { serveGuarded } from "./guarded_server.ts";

const limits = { headerTimeoutMs: 60_000, idleTimeoutMs: 60_000, maxConnections: 100 };

async function rawExchange(port: number, request: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(request));
  let text = "";
  const buf = new Uint8Array(4096);
  while (true) {
    const n = await conn.read(buf);
    if (n === null) break;
    text += new TextDecoder().decode(buf.subarray(0, n));
  }
  conn.close();
  return text;
}

Deno.test("guarded server: the handler gets the request and the client's address, as with Deno.serve", async () => {
  const server = await serveGuarded({ port: 0, hostname: "127.0.0.1", limits }, async (req, info) => {
    return new Response(
      `${req.method} ${new URL(req.url).pathname} ${await req.text()} from ${info.remoteAddr.hostname}`,
    );
  });
  try {
    const res = await fetch(`http://127.0.0.1:${server.addr.port}/a/b`, { method: "POST", body: "hi" });
    assert.equal(await res.text(), "POST /a/b hi from 127.0.0.1");
  } finally {
    await server.shutdown();
  }
});

Deno.test("guarded server: an upgrade request the handler refuses gets the handler's answer, then a close", async () => {
  const server = await serveGuarded(
    { port: 0, hostname: "127.0.0.1", limits },
    (req) => new Response(`no socket at ${new URL(req.url).pathname}\n`, { status: 404 }),
  );
  try {
    const text = await rawExchange(
      server.addr.port,
      "GET /chat HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    );
    assert.match(text, /^HTTP\/1.1 404 Not Found\r\n/);
    assert.match(text, /connection: close\r\n/);
    assert.ok(text.endsWith("\r\n\r\nno socket at /chat\n"), text);
  } finally {
    await server.shutdown();
  }
});
