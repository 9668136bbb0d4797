/**
 * `--net-sandbox strict` (platform/supervisor/net_sandbox.ts), beside what `--net-sandbox permissions`
 * leaves open. Deno checks a name's resolved address and reads IPv4-mapped IPv6, but takes no ranges:
 * with permissions only, a function still reaches a port denied on 127.0.0.1 at 127.0.0.2,
 * [::ffff:127.0.0.2] or the machine's own address, when the service listens on every interface.
 * In strict mode each pool host has a network namespace of its own: none of these
 * are there (the kernel refuses; no permission is involved), the admin port neither, yet the data plane
 * is (the host relays it to the supervisor over a unix socket). The namespaces go with their hosts:
 * after a stop, and after kill -9 of the platform.
 */
import assert from "node:assert/strict";
import { EXAMPLES, FIXTURES, Platform } from "./harness.ts";
import { ALLOW_NET_ANNOTATION } from "../platform/limits/allow_net_annotation.ts";
import { strictSandboxTools } from "../platform/supervisor/net_sandbox.ts";

const SERVICES = "/apis/serving.knative.dev/v1/namespaces/default/services";
const unavailable = await strictSandboxTools();
const skip = typeof unavailable === "string";
if (skip) console.log(`network_sandbox_strict_test skipped: --net-sandbox strict ${unavailable}`);

/** A listener that accepts and closes, so "ok" means a real connection was made. */
function listener(hostname: string, port = 0): { port: number; close(): void } {
  const l = Deno.listen({ hostname, port });
  (async () => {
    for await (const conn of l) conn.close();
  })().catch(() => {});
  return { port: (l.addr as Deno.NetAddr).port, close: () => l.close() };
}

/** The platform's pool hosts (its child processes) and the network namespace each is in. */
function poolHosts(platformPid: number): { pid: number; netns: string }[] {
  const hosts = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== platformPid) continue;
      hosts.push({ pid: Number(entry.name), netns: Deno.readLinkSync(`/proc/${entry.name}/ns/net`) });
    } catch { /* gone meanwhile */ }
  }
  return hosts;
}

/** True while any process is still in one of these network namespaces. */
function anyProcessIn(namespaces: Set<string>): boolean {
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      if (namespaces.has(Deno.readLinkSync(`/proc/${entry.name}/ns/net`))) return true;
    } catch { /* gone meanwhile, or a kernel thread */ }
  }
  return false;
}

async function until(what: string, done: () => boolean, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function probe(platform: Platform, query: Record<string, string>): Promise<Record<string, string>> {
  const res = await platform.call("probe", `/?${new URLSearchParams(query)}`);
  assert.equal(res.status, 200);
  return await res.json() as Record<string, string>;
}

/** Names /etc/hosts gives 127.0.0.1 besides localhost (this machine's own hostname, here). */
function loopbackAliases(): string[] {
  return Deno.readTextFileSync("/etc/hosts").split("\n")
    .map((line) => line.replace(/#.*/, "").trim().split(/\s+/))
    .filter(([address]) => address === "127.0.0.1")
    .flatMap(([, ...names]) => names)
    .filter((name) => name !== "localhost");
}

const functions = { probe: `${FIXTURES}/net_probe`, echo: `${EXAMPLES}/echo` };

Deno.test({
  name: "permissions leave other loopback names open; strict closes them and keeps the data plane",
  ignore: skip,
  async fn(t) {
    // Every interface: 127.0.0.1, 127.0.0.2, the machine's own address all reach it. 127.0.0.1:<port>
    // is on the deny list (as the local service ports are); the other addresses are ways around it.
    const wide = listener("0.0.0.0");
    const v6 = listener("::1");
    const machine = Deno.networkInterfaces().find((i) =>
      i.family === "IPv4" && !i.address.startsWith("127.")
    );
    const open = [
      `127.0.0.2:${wide.port}`,
      `[::ffff:127.0.0.2]:${wide.port}`,
      ...(machine ? [`${machine.address}:${wide.port}`] : []),
    ];
    // Deno resolves names and reads mapped addresses before it checks: these are denied with permissions.
    const resolved = [
      `[::ffff:127.0.0.1]:${wide.port}`,
      ...loopbackAliases().map((a) => `${a}:${wide.port}`),
    ];
    try {
      await t.step(
        "permissions: a denied port is reached at another loopback or machine address",
        async () => {
          const platform = await Platform.start({
            functions,
            env: { DENATIVE_DENY_NET: `127.0.0.1:${wide.port},[::1]:${v6.port}` },
          });
          try {
            await platform.settled("probe");
            const seen = await probe(platform, {
              connect: [`127.0.0.1:${wide.port}`, ...open, ...resolved].join(","),
            });
            for (const target of [`127.0.0.1:${wide.port}`, ...resolved]) {
              assert.equal(seen[target], "NotCapable", `${target}: ${JSON.stringify(seen)}`);
            }
            for (const target of open) assert.equal(seen[target], "ok", `${target}: ${JSON.stringify(seen)}`);
          } finally {
            await platform.stop();
          }
        },
      );

      let namespaces = new Set<string>();
      let platform = await Platform.start({ functions, env: { DENATIVE_NET_SANDBOX: "strict" } });
      try {
        await platform.settled("probe");
        await platform.settled("echo");
        const echo = `http://127.0.0.1:${platform.port}/function/echo/`;

        await t.step("strict: none of the machine's loopback is there, the data plane is", async () => {
          const closed = [
            `127.0.0.1:${wide.port}`,
            ...open,
            ...resolved,
            "127.0.0.1:5432",
            `[::1]:${v6.port}`,
            `127.0.0.1:${platform.adminPort}`,
          ];
          const seen = await probe(platform, { connect: closed.join(","), fetch: echo });
          for (const target of closed) {
            assert.notEqual(seen[target], "ok", `${target}: ${JSON.stringify(seen)}`);
          }
          // Not on any deny list: refused by the kernel, since nothing listens in the host's namespace.
          assert.equal(seen[`127.0.0.1:${wide.port}`], "ConnectionRefused", JSON.stringify(seen));
          assert.equal(seen[`127.0.0.2:${wide.port}`], "ConnectionRefused", JSON.stringify(seen));
          assert.equal(seen[`[::1]:${v6.port}`], "ConnectionRefused", JSON.stringify(seen));
          assert.equal(seen[`fetch ${echo}`], "200", "the data plane is reachable");
        });

        await t.step("strict: each pool host is in a network namespace of its own", () => {
          const hosts = poolHosts(platform.pid);
          assert.ok(hosts.length > 0, "the platform has pool hosts");
          const ours = Deno.readLinkSync("/proc/self/ns/net");
          namespaces = new Set(hosts.map((h) => h.netns));
          assert.equal(namespaces.size, hosts.length, "one namespace per host");
          assert.ok(!namespaces.has(ours), "not the machine's");
        });

        await t.step("strict: the allow-net annotation is refused", async () => {
          const res = await platform.admin(`${SERVICES}/widened`, {
            method: "PUT",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              apiVersion: "serving.knative.dev/v1",
              kind: "Service",
              metadata: { name: "widened" },
              spec: {
                template: {
                  metadata: { annotations: { [ALLOW_NET_ANNOTATION]: "127.0.0.1:5432" } },
                  spec: { containers: [{ image: "x" }] },
                },
              },
            }),
          });
          assert.equal(res.status, 422);
          assert.match((await res.json()).message, /not supported with --net-sandbox strict/);
        });

        await t.step(
          "strict: after kill -9 of the platform its namespaces go, and a restart works",
          async () => {
            await platform.kill();
            await until("the killed platform's namespaces are gone", () => !anyProcessIn(namespaces));
            platform = await platform.restart();
            await platform.settled("probe");
            const seen = await probe(platform, {
              connect: `127.0.0.1:${wide.port}`,
              fetch: echo.replace(/:\d+\//, `:${platform.port}/`),
            });
            assert.equal(seen[`127.0.0.1:${wide.port}`], "ConnectionRefused", JSON.stringify(seen));
            assert.equal(seen[`fetch ${echo.replace(/:\d+\//, `:${platform.port}/`)}`], "200");
            namespaces = new Set(poolHosts(platform.pid).map((h) => h.netns));
            assert.ok(namespaces.size > 0);
          },
        );
      } finally {
        await platform.stop();
      }
      await t.step("strict: after a stop, no namespace is left", async () => {
        await until("the stopped platform's namespaces are gone", () => !anyProcessIn(namespaces));
      });
    } finally {
      wide.close();
      v6.close();
    }
  },
});

Deno.test({
  name: "--net-sandbox strict refuses to start, with the reason, where it cannot run (no ip or unshare here)",
  ignore: skip,
  async fn() {
    const state = await Deno.makeTempDir({ prefix: "denative-test-" });
    try {
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-all",
          "--unstable-worker-options",
          new URL("../platform/main.ts", import.meta.url).pathname,
          ...[
            "--net-sandbox",
            "strict",
            "--state",
            state,
            "--port",
            "0",
            "--admin-port",
            "0",
            "--api-port",
            "0",
          ],
        ],
        env: { PATH: "/nonexistent" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(out.code, 2);
      assert.match(
        new TextDecoder().decode(out.stderr),
        /^denative: --net-sandbox strict: it needs unshare \(util-linux\) and ip \(iproute2\) on PATH\n$/,
      );
    } finally {
      await Deno.remove(state, { recursive: true });
    }
  },
});
