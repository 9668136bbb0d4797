import assert from "node:assert/strict";
import { inOwnNetworkNamespace } from "./net_sandbox.ts";

Deno.test("a host in strict mode is the same command run through unshare --net, its loopback up first", () => {
  const tools = { unshare: "/usr/bin/unshare", ip: "/sbin/ip" };
  const { command, args } = inOwnNetworkNamespace(tools, "/usr/bin/deno", ["run", "host.ts", "a b"]);
  assert.equal(command, "/usr/bin/unshare");
  assert.deepEqual(args, [
    "--net",
    "--",
    "/bin/sh",
    "-c",
    '/sbin/ip link set lo up && exec "$0" "$@"',
    "/usr/bin/deno",
    "run",
    "host.ts",
    "a b",
  ]);
});
