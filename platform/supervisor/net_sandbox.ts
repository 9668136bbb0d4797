/**
 * `--net-sandbox strict`: each pool host process starts in a network namespace of its own
 * (`unshare --net`), with nothing in it but its own loopback. The machine's loopback services (every
 * 127.x address, `[::1]`, any name that resolves to them) and its other interfaces are then simply not
 * there, whatever Deno's `--deny-net` list says. The one way out is the data plane: the host relays
 * 127.0.0.1:<data port> inside its namespace to a unix socket of the supervisor (a path, which crosses
 * namespaces), which connects it to the data port (data_plane_bridge.ts, runtime/data_plane_relay.ts).
 *
 * The namespace has no name and no veth: the kernel removes it when its last process, the host, is
 * gone, so nothing is left behind when a host or the platform is killed, and there is nothing to sweep.
 * No veth also means no route out: functions in strict mode reach the data plane only (no internet).
 */

/** Where the tools strict mode runs are (pool hosts get an empty environment, so no PATH). */
export interface NetSandboxTools {
  unshare: string;
  ip: string;
}

/** The command that runs `command args...` in a new network namespace whose loopback is up. */
export function inOwnNetworkNamespace(
  tools: NetSandboxTools,
  command: string,
  args: string[],
): { command: string; args: string[] } {
  // `unshare` and `sh` exec, so the child's pid is the host's own (the supervisor kills it by pid).
  return {
    command: tools.unshare,
    args: ["--net", "--", "/bin/sh", "-c", `${tools.ip} link set lo up && exec "$0" "$@"`, command, ...args],
  };
}

/**
 * The tools strict mode needs, after creating one namespace to see that it works here (root on Linux,
 * util-linux's `unshare`, iproute2's `ip`); a string saying why not otherwise.
 */
export async function strictSandboxTools(): Promise<NetSandboxTools | string> {
  if (Deno.build.os !== "linux") return `it needs Linux network namespaces (this is ${Deno.build.os})`;
  if (Deno.uid() !== 0) {
    return `it needs root to create network namespaces (the platform runs as uid ${Deno.uid()})`;
  }
  const tools = { unshare: await which("unshare"), ip: await which("ip") };
  if (!tools.unshare || !tools.ip) {
    const missing = [tools.unshare ? "" : "unshare (util-linux)", tools.ip ? "" : "ip (iproute2)"];
    return `it needs ${missing.filter(Boolean).join(" and ")} on PATH`;
  }
  const probe = inOwnNetworkNamespace(tools as NetSandboxTools, tools.ip, ["-o", "link", "show", "lo"]);
  const out = await new Deno.Command(probe.command, { args: probe.args, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success || !new TextDecoder().decode(out.stdout).includes("UP")) {
    return `creating a network namespace failed: ${new TextDecoder().decode(out.stderr).trim()}`;
  }
  return tools as NetSandboxTools;
}

async function which(tool: string): Promise<string | undefined> {
  const out = await new Deno.Command("/bin/sh", { args: ["-c", `command -v ${tool}`], stdout: "piped" })
    .output();
  const path = new TextDecoder().decode(out.stdout).trim();
  return out.success && path.startsWith("/") ? path : undefined;
}
