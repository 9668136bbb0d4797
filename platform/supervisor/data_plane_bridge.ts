/**
 * The supervisor's end of the data plane for pool hosts in network namespaces of their own
 * (net_sandbox.ts): a unix socket in the runtime directory; each connection to it is joined to a new
 * TCP connection to the data port. Pool hosts relay their namespace's 127.0.0.1:<data port> here
 * (runtime/data_plane_relay.ts), so functions keep calling `http://127.0.0.1:<data port>/...`.
 */

export class DataPlaneBridge {
  readonly #listener: Deno.Listener<Deno.UnixConn, Deno.UnixAddr>;
  readonly #open = new Set<Deno.Conn>();

  private constructor(readonly path: string, private readonly target: Deno.ConnectOptions) {
    this.#listener = Deno.listen({ transport: "unix", path });
    this.#accept();
  }

  /** Listens on `path`, joining connections to `target` (the data port). */
  static open(path: string, target: Deno.ConnectOptions): DataPlaneBridge {
    return new DataPlaneBridge(path, target);
  }

  async #accept() {
    try {
      for await (const conn of this.#listener) this.#join(conn);
    } catch {
      // closed
    }
  }

  async #join(conn: Deno.UnixConn) {
    this.#open.add(conn);
    let upstream: Deno.TcpConn | undefined;
    try {
      upstream = await Deno.connect(this.target);
      this.#open.add(upstream);
      await Promise.allSettled([
        conn.readable.pipeTo(upstream.writable),
        upstream.readable.pipeTo(conn.writable),
      ]);
    } catch {
      // the data port refused, or either side went away
    } finally {
      for (const c of [conn, upstream]) {
        if (!c) continue;
        this.#open.delete(c);
        try {
          c.close();
        } catch { /* closed by its stream */ }
      }
    }
  }

  close() {
    try {
      this.#listener.close();
    } catch { /* closed */ }
    for (const c of this.#open) {
      try {
        c.close();
      } catch { /* closed */ }
    }
    this.#open.clear();
  }
}
