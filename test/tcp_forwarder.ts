/**
 * A TCP port in the test process that forwards every connection to a target while it is open, and
 * refuses connections (closing the ones it carries) while it is closed: a bootstrap server that
 * goes away and comes back, without stopping the Kafka behind it.
 */
import { freePort } from "./harness.ts";

export class TcpForwarder {
  readonly port = freePort();
  #listener: Deno.Listener | undefined;
  #conns = new Set<Deno.Conn>();

  constructor(private readonly target: { hostname: string; port: number }) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  open() {
    if (this.#listener) return;
    const listener = this.#listener = Deno.listen({ hostname: "127.0.0.1", port: this.port });
    (async () => {
      for await (const conn of listener) this.#forward(conn);
    })().catch(() => {});
  }

  close() {
    this.#listener?.close();
    this.#listener = undefined;
    for (const conn of this.#conns) this.#end(conn);
  }

  async #forward(conn: Deno.Conn) {
    this.#conns.add(conn);
    let upstream: Deno.Conn;
    try {
      upstream = await Deno.connect(this.target);
    } catch {
      this.#end(conn);
      return;
    }
    this.#conns.add(upstream);
    const pipe = (from: Deno.Conn, to: Deno.Conn) =>
      from.readable.pipeTo(to.writable).catch(() => {}).finally(() => {
        this.#end(from);
        this.#end(to);
      });
    await Promise.all([pipe(conn, upstream), pipe(upstream, conn)]);
  }

  #end(conn: Deno.Conn) {
    if (!this.#conns.delete(conn)) return;
    try {
      conn.close();
    } catch { /* already closed */ }
  }
}
