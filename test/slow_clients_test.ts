/**
 * Slow and greedy clients against the real platform, on the admin port and on the data port with
 * `--guard-data-port` (platform/http/guarded_server.ts): a slowloris (many sockets, each with half a
 * request head) is cut after the header timeout while normal requests keep succeeding, an idle
 * keep-alive connection is closed after the idle timeout, and past the connection cap new
 * connections are closed at once while the open ones keep working. The HTTPS API port cuts slow
 * clients too (before and after the TLS handshake). WebSockets still pass.
 */
import assert from "node:assert/strict";
import { EXAMPLES, FIXTURES, Platform } from "./harness.ts";

const HEADER_TIMEOUT_S = 2;
const IDLE_TIMEOUT_S = 2;
const MAX_CONNECTIONS = 40;
/** Generous: the machine is shared, and a cut is checked every 0.5 s. */
const CUT_WITHIN_MS = 15_000;

const encoder = new TextEncoder();

/** Reads until the server closes the connection; what it sent, and when it closed. */
async function untilClosed(conn: Deno.Conn, limitMs: number): Promise<{ text: string; closedAt?: number }> {
  const buf = new Uint8Array(4096);
  let text = "";
  const timer = setTimeout(() => conn.close(), limitMs);
  try {
    while (true) {
      const n = await conn.read(buf);
      if (n === null) return { text, closedAt: Date.now() };
      text += new TextDecoder().decode(buf.subarray(0, n));
    }
  } catch (err) {
    // Our own close at the limit surfaces as BadResource: the server never closed it.
    if (err instanceof Deno.errors.BadResource) return { text };
    return { text, closedAt: Date.now() };
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* closed already */ }
  }
}

async function slowloris(port: number, sockets: number): Promise<Deno.Conn[]> {
  const conns: Deno.Conn[] = [];
  for (let i = 0; i < sockets; i++) {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(encoder.encode("GET / HTTP/1.1\r\nHost: echo.default.localhost\r\nX-Slow: "));
    conns.push(conn);
  }
  return conns;
}

Deno.test("slow clients: header and idle timeouts and the connection cap on the data and admin ports", async (t) => {
  const platform = await Platform.start({
    functions: { echo: `${EXAMPLES}/echo`, ws: `${FIXTURES}/websocket_echo` },
    env: {
      DENATIVE_HEADER_TIMEOUT: `${HEADER_TIMEOUT_S}s`,
      DENATIVE_IDLE_TIMEOUT: `${IDLE_TIMEOUT_S}s`,
      DENATIVE_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
      DENATIVE_GUARD_DATA_PORT: "true",
    },
  });
  try {
    await platform.settled("echo");
    await platform.settled("ws");

    for (const [name, port] of [["data", platform.port], ["admin", platform.adminPort]] as const) {
      await t.step(
        `${name} port: a slowloris is cut after the header timeout, normal requests go on`,
        async () => {
          const started = Date.now();
          const conns = await slowloris(port, 20);
          const cuts = conns.map((c) => untilClosed(c, CUT_WITHIN_MS));
          let served = 0;
          while (Date.now() - started < HEADER_TIMEOUT_S * 1000) {
            const res = name === "data" ? await platform.call("echo", "/") : await platform.admin("/healthz");
            const body = await res.text();
            assert.equal(res.status, 200, body);
            served++;
          }
          const results = await Promise.all(cuts);
          const times = results.map((r) =>
            r.closedAt === undefined ? Infinity : (r.closedAt - started) / 1000
          );
          assert.ok(times.every(Number.isFinite), `every slow socket is cut (seconds: ${times.join(", ")})`);
          assert.ok(
            results.every((r) => r.text === "" || r.text.startsWith("HTTP/1.1 408")),
            results[0].text,
          );
          console.log(
            `  ${name}: 20 slow sockets cut after ${Math.min(...times).toFixed(1)}-${
              Math.max(...times).toFixed(1)
            } s (timeout ${HEADER_TIMEOUT_S} s); ${served} normal requests served meanwhile`,
          );
        },
      );

      await t.step(
        `${name} port: an idle keep-alive connection is closed after the idle timeout`,
        async () => {
          const conn = await Deno.connect({ hostname: "127.0.0.1", port });
          const path = name === "data" ? "/" : "/healthz";
          await conn.write(encoder.encode(`GET ${path} HTTP/1.1\r\nHost: echo.default.localhost\r\n\r\n`));
          const started = Date.now();
          const { text, closedAt } = await untilClosed(conn, CUT_WITHIN_MS);
          assert.match(text, /^HTTP\/1.1 200/);
          assert.ok(closedAt !== undefined, "the idle connection is closed by the server");
          console.log(
            `  ${name}: idle keep-alive closed ${
              ((closedAt - started) / 1000).toFixed(1)
            } s after its response`,
          );
        },
      );

      await t.step(
        `${name} port: past the cap, new connections are closed at once, open ones work`,
        async () => {
          // The held sockets send nothing, so the header timeout ends them: all of this happens well
          // within it (the cap closes an extra connection right at accept).
          const held: Deno.Conn[] = [];
          for (let i = 0; i < MAX_CONNECTIONS + 10; i++) {
            held.push(await Deno.connect({ hostname: "127.0.0.1", port }));
          }
          const firstReads = held.map((conn) => conn.read(new Uint8Array(1)).catch(() => null));
          const firstByte = await Promise.all(firstReads.map(async (read) => {
            const closed = read.then((n) => n === null ? "closed" : "data");
            const wait = new Promise<string>((r) => setTimeout(() => r("open"), 500));
            return await Promise.race([closed, wait]);
          }));
          const refused = firstByte.filter((s) => s === "closed").length;
          const open = held.filter((_, i) => firstByte[i] === "open");
          assert.ok(refused >= 10, `at least 10 of ${held.length} closed at once, got ${refused}`);
          assert.ok(
            open.length <= MAX_CONNECTIONS,
            `at most ${MAX_CONNECTIONS} stay open, got ${open.length}`,
          );
          // An open one still serves a whole request.
          const path = name === "data" ? "/" : "/healthz";
          await open[0].write(
            encoder.encode(
              `GET ${path} HTTP/1.1\r\nHost: echo.default.localhost\r\nConnection: close\r\n\r\n`,
            ),
          );
          // Its first byte went to the read that watched for a close above.
          const first = await firstReads[firstByte.indexOf("open")];
          const { text } = await untilClosed(open[0], CUT_WITHIN_MS);
          assert.equal(first, 1);
          assert.match(text, /^TTP\/1.1 200/);
          for (const conn of held) {
            try {
              conn.close();
            } catch { /* closed already */ }
          }
          console.log(
            `  ${name}: ${held.length} connections: ${refused} closed at accept, ${open.length} open`,
          );
          // Freed: ordinary requests pass again.
          const after = name === "data" ? await platform.call("echo", "/") : await platform.admin("/healthz");
          assert.equal(after.status, 200);
          await after.body?.cancel();
        },
      );
    }

    await t.step("API port (HTTPS): a silent socket and a half-sent head over TLS are cut", async () => {
      const caCerts = [Deno.readTextFileSync(`${platform.state}/tls/ca.crt`)];
      const started = Date.now();
      // One that never starts the TLS handshake, and five that send half a head after it.
      const silent = await Deno.connect({ hostname: "127.0.0.1", port: platform.apiPort });
      const slow: Deno.TlsConn[] = [];
      for (let i = 0; i < 5; i++) {
        const conn = await Deno.connectTls({ hostname: "127.0.0.1", port: platform.apiPort, caCerts });
        await conn.write(encoder.encode("GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
        slow.push(conn);
      }
      const cuts = [silent, ...slow].map((c) => untilClosed(c, CUT_WITHIN_MS));
      const client = Deno.createHttpClient({ caCerts });
      try {
        const res = await fetch(`https://127.0.0.1:${platform.apiPort}/version`, {
          client,
          headers: { authorization: `Bearer ${platform.token}` },
        });
        await res.body?.cancel();
        assert.equal(res.status, 200);
      } finally {
        client.close();
      }
      const results = await Promise.all(cuts);
      const times = results.map((r) => r.closedAt === undefined ? Infinity : (r.closedAt - started) / 1000);
      assert.ok(times.every(Number.isFinite), `every slow socket is cut (seconds: ${times.join(", ")})`);
      console.log(
        `  api: 6 slow sockets cut after ${Math.min(...times).toFixed(1)}-${Math.max(...times).toFixed(1)} s`,
      );
    });

    await t.step("a WebSocket passes through the guarded data port", async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${platform.port}/function/ws/chat`);
      const echoed = await new Promise<string>((resolve, reject) => {
        ws.onopen = () => ws.send("hello");
        ws.onmessage = (e) => resolve(String(e.data));
        ws.onerror = () => reject(new Error("websocket failed"));
      });
      assert.equal(echoed, "hello");
      const closed = new Promise((r) => ws.onclose = r);
      ws.close();
      await closed;
    });
  } finally {
    await platform.stop();
  }
});
