/** `dn revision list|describe|delete`: the immutable snapshots a Service's template changes make. */
import { limitsFields } from "../limits_fields.ts";
import type { Service } from "../../resources/service.ts";
import { Labels, type Revision } from "../../resources/serving_kinds.ts";
import type { Command } from "../command.ts";
import { kindNamed, resourcePath } from "../resource_kinds.ts";
import { ageOf } from "../age.ts";
import { conditionColumns } from "../conditions.ts";
import { renderOutput } from "../output.ts";
import {
  ALL_NAMESPACES_FLAG,
  deleteCommand,
  describePage,
  fetchList,
  printList,
} from "./resource_commands.ts";
import { SERVICE } from "./service_change.ts";
import { shortImage } from "./service.ts";

const REVISION = kindNamed("Revision");

interface TrafficShare {
  percent: number;
  tags: string[];
}

/** What each revision gets from its Service's resolved traffic, by `namespace/name`. */
function trafficShares(services: Service[]): Map<string, TrafficShare> {
  const shares = new Map<string, TrafficShare>();
  for (const s of services) {
    for (const t of s.status?.traffic ?? []) {
      const key = `${s.metadata.namespace}/${t.revisionName}`;
      const share = shares.get(key) ?? { percent: 0, tags: [] };
      share.percent += t.percent ?? 0;
      if (t.tag) share.tags.push(t.tag);
      shares.set(key, share);
    }
  }
  return shares;
}

const generationOf = (r: Revision) => Number(r.metadata.labels?.[Labels.configurationGeneration] ?? 0);
const serviceOf = (r: Revision) => r.metadata.labels?.[Labels.service] ?? "";

const list: Command = {
  path: ["revision", "list"],
  summary: "List revisions, newest first, with the traffic and tags each receives",
  flags: [
    {
      name: "service",
      short: "s",
      placeholder: "SERVICE",
      description: "only the revisions of this Service",
    },
    ALL_NAMESPACES_FLAG,
  ],
  async run(ctx, _args, flags) {
    const only = flags.string("service");
    const revisions = await fetchList<Revision>(ctx, REVISION);
    revisions.items = revisions.items
      .filter((r) => !only || serviceOf(r) === only)
      .sort((a, b) =>
        a.metadata.namespace.localeCompare(b.metadata.namespace) ||
        serviceOf(a).localeCompare(serviceOf(b)) ||
        generationOf(b) - generationOf(a)
      );
    if (only && !ctx.allNamespaces && !ctx.output) {
      await ctx.client().get(resourcePath(SERVICE, ctx.namespace, only)); // "Service "x" not found" beats an empty list
    }
    const shares = ctx.output ? new Map() : trafficShares((await fetchList<Service>(ctx, SERVICE)).items);
    printList(
      ctx,
      revisions,
      "revisions",
      ["NAME", "SERVICE", "TRAFFIC", "TAGS", "GENERATION", "AGE", "CONDITIONS", "READY", "REASON"],
      (r) => {
        const share = shares.get(`${r.metadata.namespace}/${r.metadata.name}`);
        return [
          r.metadata.name,
          serviceOf(r),
          share && share.percent > 0 ? `${share.percent}%` : "",
          share?.tags.join(",") ?? "",
          String(generationOf(r) || ""),
          ageOf(r.metadata.creationTimestamp, ctx.now()),
          ...conditionColumns(r),
        ];
      },
    );
  },
};

const describe: Command = {
  path: ["revision", "describe"],
  args: "NAME",
  minArgs: 1,
  summary: "Show a revision: image, settings, replicas, conditions",
  async run(ctx, [name]) {
    const rev = await ctx.client().get<Revision>(resourcePath(REVISION, ctx.namespace, name));
    if (ctx.output) return ctx.out(renderOutput(rev, ctx.output));
    const container = rev.spec.containers[0] ?? {};
    const fields: [string, string][] = [
      ["Image", shortImage(container.image)],
      ["Service", serviceOf(rev)],
      ["Generation", String(generationOf(rev) || "")],
    ];
    if (container.env?.length) {
      fields.push(["Env", container.env.map((e) => `${e.name}=${e.value ?? "(from secret)"}`).join(", ")]);
    }
    fields.push(["Concurrency", `limit ${rev.spec.containerConcurrency || "unlimited"}`]);
    fields.push(...limitsFields(rev.spec));
    fields.push(["Replicas", `${rev.status?.actualReplicas ?? 0}/${rev.status?.desiredReplicas ?? 0}`]);
    ctx.out(describePage(rev, ctx.now(), fields));
  },
};

export const revisionCommands: Command[] = [
  list,
  describe,
  {
    ...deleteCommand(["revision", "delete"], REVISION),
    summary: "Delete revisions that no traffic targets",
  },
];
