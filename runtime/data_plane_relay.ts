/**
 * Inside a pool host in a network namespace of its own (`--net-sandbox strict`): 127.0.0.1:<data port>
 * of the namespace, relayed to the supervisor's data-plane bridge, a unix socket (which crosses
 * namespaces). Functions call other functions at the same URL as without the sandbox. Workers cannot
 * reach the unix socket themselves (they may not read or write it).
 */

export function relayDataPlane(port: number, bridgePath: string): Deno.Listener {
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  (async () => {
    for await (const conn of listener) {
      Deno.connect({ transport: "unix", path: bridgePath }).then(
        (upstream) => joinConnections(conn, upstream),
        () => conn.close(), // the supervisor is going away
      );
    }
  })().catch(() => {/* closed with the host */});
  return listener;
}

/**
 * Copies bytes both ways until either side ends, then closes both. A read/write loop: `pipeTo` between
 * two connections measured about a third of its throughput (README, "Security model").
 */
export async function joinConnections(a: Deno.Conn, b: Deno.Conn): Promise<void> {
  await Promise.race([copy(a, b), copy(b, a)]);
  for (const conn of [a, b]) {
    try {
      conn.close();
    } catch { /* closed */ }
  }
}

async function copy(from: Deno.Conn, to: Deno.Conn) {
  const buf = new Uint8Array(64 * 1024);
  try {
    while (true) {
      const n = await from.read(buf);
      if (n === null) return;
      let sent = 0;
      while (sent < n) sent += await to.write(buf.subarray(sent, n));
    }
  } catch {
    // either side went away
  }
}
