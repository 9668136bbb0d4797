/** `dn node list`: the platform nodes of a cluster (`--database`), Ready or NotReady by heartbeat. */
import type { Command } from "../command.ts";
import type { KObject } from "../../resources/meta.ts";
import { formatTable } from "../table.ts";
import { renderOutput } from "../output.ts";
import { ageOf } from "../age.ts";
import { type NodeDoc, nodeStatusText } from "../../cluster/node_kind.ts";

export const nodeCommands: Command[] = [{
  path: ["node", "list"],
  summary: "List the platform's nodes (cluster mode) and whether each is Ready",
  details: "A node is NotReady once its heartbeat is older than its lease (8 s), or when it shut down.",
  async run(ctx) {
    const list = await ctx.client().get<{ items: NodeDoc[] }>("/api/v1/nodes").catch((err) => {
      if (/404/.test(String(err))) return { items: [] as NodeDoc[] };
      throw err;
    });
    if (ctx.output) return ctx.out(renderOutput(list, ctx.output));
    if (!list.items.length) return ctx.out("No nodes found (the platform runs without --database).");
    const rows = list.items.map((n) => {
      const ready = n.status?.conditions?.find((c) => c.type === "Ready");
      const address = n.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
      const port = n.status?.daemonEndpoints?.kubeletEndpoint.Port;
      return [
        n.metadata.name,
        nodeStatusText(n as KObject),
        port ? `${address}:${port}` : address,
        ageOf(n.metadata.creationTimestamp, ctx.now()),
        ready?.reason ?? "",
      ];
    });
    ctx.out(formatTable(["NAME", "STATUS", "ADDRESS", "AGE", "REASON"], rows));
  },
}];
