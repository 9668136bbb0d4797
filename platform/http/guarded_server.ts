/**
 * An HTTP listener that protects itself from slow and greedy clients, which `Deno.serve` (2.9) cannot:
 * it has no header timeout, no idle keep-alive timeout and no connection cap (measured: a client that
 * sends half a request head, or nothing, stays connected indefinitely). This is `node:http` (Deno's
 * implementation, which enforces `headersTimeout`, `keepAliveTimeout` and `maxConnections`), through
 * @hono/node-server's adapter, with the same handler signature as `Deno.serve`.
 *
 * - A client that has not sent a whole request head `headerTimeoutMs` after it connected (or after
 *   its previous response) gets 408 and is disconnected.
 * - A keep-alive connection with no request for `idleTimeoutMs` is closed (node adds a second of
 *   slack, so about a second later).
 * - Beyond `maxConnections` open connections, new ones are closed as soon as they are accepted;
 *   the open ones keep working.
 *
 * WebSocket upgrades arrive as an ordinary request; `upgradeOptions(request)` hands
 * `Deno.upgradeWebSocket` the node socket it must take over.
 */
import http from "node:http";
import type { Socket } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { REQUEST_LIMITS } from "../config.ts";

export interface ConnectionLimits {
  /** Time for a whole request head, ms. */
  headerTimeoutMs: number;
  /** Time a keep-alive connection may wait for its next request, ms. */
  idleTimeoutMs: number;
  /** Open connections at most; more are closed on accept. */
  maxConnections: number;
}

/** What the platform needs of a listener (a subset of `Deno.HttpServer`). */
export interface HttpListener {
  readonly addr: Deno.NetAddr;
  /** Stops accepting, lets in-flight requests finish, closes idle connections. */
  shutdown(): Promise<void>;
}

export type GuardedHandler = (
  request: Request,
  info: { remoteAddr: Deno.NetAddr },
) => Response | Promise<Response>;

/** How often node looks for connections past their header timeout, ms (node's default is 30 s). */
const TIMEOUT_CHECK_MS = 500;

const upgrades = new WeakMap<Request, { socket: Socket; head: Uint8Array }>();

/** The options `Deno.upgradeWebSocket` needs for a request that came through a guarded listener. */
export function upgradeOptions(request: Request): { socket?: Socket; head?: Uint8Array } {
  return upgrades.get(request) ?? {};
}

/** node:http(s) server options that enforce `limits` (set `maxConnections` on the server as well). */
/** Resolves once a node server listens on `port` (0: any) and `hostname`; rejects on a listen error. */
export function listening(server: http.Server, port: number, hostname: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

export function nodeServerLimits(limits: ConnectionLimits) {
  return {
    connectionsCheckingInterval: TIMEOUT_CHECK_MS,
    headersTimeout: limits.headerTimeoutMs,
    // A slow body is the handler's business (it reads the stream); only the head is timed here.
    requestTimeout: 0,
    keepAliveTimeout: limits.idleTimeoutMs,
    // Room for the request line and header limits, so the handlers' own 414/431 (naming the limit)
    // answer rather than node's bare 431.
    maxHeaderSize: REQUEST_LIMITS.maxUrlBytes + REQUEST_LIMITS.maxHeaderBytes + 4096,
  };
}

export async function serveGuarded(
  opts: { port: number; hostname: string; limits: ConnectionLimits },
  handler: GuardedHandler,
): Promise<HttpListener> {
  const remoteAddr = (socket: { remoteAddress?: string; remotePort?: number } | undefined): Deno.NetAddr => ({
    transport: "tcp",
    hostname: socket?.remoteAddress ?? "unknown",
    port: socket?.remotePort ?? 0,
  });
  const listener = getRequestListener(
    (req, env) => handler(req, { remoteAddr: remoteAddr(env.incoming?.socket) }),
    { overrideGlobalObjects: false },
  );
  const server = http.createServer(nodeServerLimits(opts.limits), listener);
  server.maxConnections = opts.limits.maxConnections;
  server.on("connection", (socket: Socket) => socket.setNoDelay(true));
  server.on("upgrade", (incoming: http.IncomingMessage, socket: Socket, head: Uint8Array) => {
    upgradeRequest(incoming, socket, head, handler, remoteAddr(socket));
  });
  await listening(server, opts.port, opts.hostname);
  const address = server.address();
  const addr: Deno.NetAddr = {
    transport: "tcp",
    hostname: typeof address === "object" && address ? address.address : opts.hostname,
    port: typeof address === "object" && address ? address.port : opts.port,
  };
  return {
    addr,
    shutdown: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

/**
 * An `Upgrade:` request: the handler gets it as a Request; if it upgrades (the WebSocket takes the
 * socket and writes 101 itself) its Response is not ours to send, otherwise it is written raw.
 */
async function upgradeRequest(
  incoming: http.IncomingMessage,
  socket: Socket,
  head: Uint8Array,
  handler: GuardedHandler,
  remoteAddr: Deno.NetAddr,
) {
  const headers = new Headers();
  for (let i = 0; i < incoming.rawHeaders.length; i += 2) {
    headers.append(incoming.rawHeaders[i], incoming.rawHeaders[i + 1]);
  }
  const url = `http://${incoming.headers.host ?? remoteAddr.hostname}${incoming.url ?? "/"}`;
  let response: Response;
  let request: Request | undefined;
  try {
    request = new Request(url, { method: incoming.method, headers });
    upgrades.set(request, { socket, head });
    response = await handler(request, { remoteAddr });
  } catch {
    response = new Response("bad upgrade request\n", { status: 400 });
  }
  if (response.status === 101) return;
  const body = new Uint8Array(await response.arrayBuffer().catch(() => new ArrayBuffer(0)));
  const lines = [`HTTP/1.1 ${response.status} ${http.STATUS_CODES[response.status] ?? ""}`];
  response.headers.forEach((value, name) => {
    if (name !== "content-length" && name !== "connection") lines.push(`${name}: ${value}`);
  });
  lines.push(`content-length: ${body.byteLength}`, "connection: close", "", "");
  socket.end(new Uint8Array([...new TextEncoder().encode(lines.join("\r\n")), ...body]));
}
