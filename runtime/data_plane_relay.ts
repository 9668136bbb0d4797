/**
 * Inside a pool host in a network namespace of its own (`--net-sandbox strict`): 127.0.0.1:<data port>
 * of the namespace, relayed to the supervisor's data-plane bridge, a unix socket (which crosses
 * namespaces). Functions call other functions at the same URL as without the sandbox. Workers cannot
 * reach the unix socket themselves (they may not read or write it).
 */

export function relayDataPlane(port: number, bridgePath: string): Deno.Listener {
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  (async () => {
    for await (const conn of listener) relay(conn, bridgePath);
  })().catch(() => {/* closed with the host */});
  return listener;
}

async function relay(conn: Deno.Conn, bridgePath: string) {
  let upstream: Deno.UnixConn | undefined;
  try {
    upstream = await Deno.connect({ transport: "unix", path: bridgePath });
    await Promise.allSettled([
      conn.readable.pipeTo(upstream.writable),
      upstream.readable.pipeTo(conn.writable),
    ]);
  } catch {
    // the supervisor went away, or either side did
  } finally {
    for (const c of [conn, upstream]) {
      try {
        c?.close();
      } catch { /* closed by its stream */ }
    }
  }
}
