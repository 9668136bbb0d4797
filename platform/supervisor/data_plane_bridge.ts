/**
 * The supervisor's end of the data plane for pool hosts in network namespaces of their own
 * (net_sandbox.ts): a unix socket in the runtime directory; each connection to it is joined to a new
 * TCP connection to the data port. Pool hosts relay their namespace's 127.0.0.1:<data port> here
 * (runtime/data_plane_relay.ts), so functions keep calling `http://127.0.0.1:<data port>/...`.
 */
import { joinConnections } from "../../runtime/data_plane_relay.ts";

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
    let upstream: Deno.TcpConn;
    try {
      upstream = await Deno.connect(this.target);
    } catch {
      conn.close(); // the data port is closing
      return;
    }
    this.#open.add(conn).add(upstream);
    await joinConnections(conn, upstream);
    this.#open.delete(conn);
    this.#open.delete(upstream);
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
