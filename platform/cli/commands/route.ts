/** `dn route list|describe`: each Service's Route, the traffic it resolved and the URLs it serves. */
import type { Route } from "../../resources/serving_kinds.ts";
import type { Command } from "../command.ts";
import { kindNamed } from "../resource_kinds.ts";
import { formatTable } from "../table.ts";
import { LATEST_REF } from "../traffic_flags.ts";
import { describeCommand, listCommand } from "./resource_commands.ts";

const ROUTE = kindNamed("Route");

function trafficBlock(route: Route): string {
  const traffic = route.status?.traffic ?? [];
  if (!traffic.length) return "Traffic Targets:\n  (none resolved yet)";
  const rows = traffic.map((t) => [
    `${t.percent}%`,
    t.latestRevision ? `${LATEST_REF} (${t.revisionName})` : t.revisionName,
    t.tag ? `#${t.tag}` : "",
    t.url ?? "",
  ]);
  return `Traffic Targets:\n${
    formatTable(["PERCENT", "REVISION", "TAG", "URL"], rows).split("\n").map((l) => `  ${l}`).join("\n")
  }`;
}

export const routeCommands: Command[] = [
  listCommand<Route>({
    path: ["route", "list"],
    kind: ROUTE,
    noun: "routes",
    headers: ["NAME", "URL", "READY"],
    row: (r) => [
      r.metadata.name,
      r.status?.url ?? "",
      r.status?.conditions?.find((c) => c.type === "Ready")?.status ?? "Unknown",
    ],
  }),
  describeCommand<Route>(
    ["route", "describe"],
    ROUTE,
    (
      r,
    ) => [["URL", r.status?.url ?? ""], [
      "Service",
      r.metadata.labels?.["serving.knative.dev/service"] ?? "",
    ]],
    (r) => [trafficBlock(r)],
  ),
];
