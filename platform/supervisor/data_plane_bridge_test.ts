import assert from "node:assert/strict";
import { DataPlaneBridge } from "./data_plane_bridge.ts";

Deno.test("the data-plane bridge joins a unix connection to the TCP target, both ways, 1 MiB through", async () => {
  const server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = (async () => {
    const conn = await server.accept();
    const buf = new Uint8Array(64 * 1024);
    let n: number | null;
    while ((n = await conn.read(buf)) !== null) { // echo
      for (let sent = 0; sent < n;) sent += await conn.write(buf.subarray(sent, n));
    }
    conn.close();
  })();
  const dir = await Deno.makeTempDir();
  const bridge = DataPlaneBridge.open(`${dir}/data.sock`, { hostname: "127.0.0.1", port: server.addr.port });
  try {
    const conn = await Deno.connect({ transport: "unix", path: bridge.path });
    const whole = new Uint8Array(1024 * 1024);
    for (let i = 0; i < whole.length; i += 65536) crypto.getRandomValues(whole.subarray(i, i + 65536));
    const writing = (async () => {
      for (let at = 0; at < whole.length;) at += await conn.write(whole.subarray(at));
    })();
    const got = new Uint8Array(whole.length);
    let at = 0;
    while (at < got.length) {
      const n = await conn.read(got.subarray(at));
      assert.notEqual(n, null, "the echo ended early");
      at += n!;
    }
    await writing;
    assert.deepEqual(got, whole);
    conn.close();
    await served; // the bridge closed the TCP side when the unix side went
  } finally {
    bridge.close();
    server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
