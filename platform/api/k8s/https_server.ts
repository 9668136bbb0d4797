/**
 * The HTTPS listener of the API port. It is node:https (through @hono/node-server's adapter)
 * rather than `Deno.serve({ cert, key })`: in Deno 2.9, a TLS response larger than a few KB
 * leaves its last segment waiting ~40 ms for the peer's delayed ACK (measured: 1 KB in 0.3 ms,
 * 8 KB to 200 KB in 42-48 ms; node:https sends 30 KB in 0.5 ms), and kubectl's discovery, OpenAPI
 * and list answers are all that large. Slow clients get the same limits as on the admin port
 * (platform/http/guarded_server.ts); a TLS handshake must also finish within the header timeout.
 */
import https from "node:https";
import type { Socket } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { type ConnectionLimits, listening, nodeServerLimits } from "../../http/guarded_server.ts";

export interface HttpsServer {
  readonly port: number;
  /** Stops listening and ends open connections (watches included). */
  close(): Promise<void>;
}

export async function serveHttps(
  opts: { port: number; hostname: string; cert: string; key: string; limits?: ConnectionLimits },
  fetch: (req: Request) => Response | Promise<Response>,
): Promise<HttpsServer> {
  // overrideGlobalObjects: false keeps the adapter from replacing the process's Request/Response.
  const listener = getRequestListener(fetch, { overrideGlobalObjects: false });
  const limits = opts.limits;
  const server = https.createServer({
    cert: opts.cert,
    key: opts.key,
    // A TLS handshake gets no longer than a request head.
    ...(limits ? { ...nodeServerLimits(limits), handshakeTimeout: limits.headerTimeoutMs } : {}),
  }, listener);
  if (limits) server.maxConnections = limits.maxConnections;
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await listening(server, opts.port, opts.hostname);
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
