/** `dn service list|describe|delete|update`: Knative Services, as `kn service` shows and changes them. */
import type { ResolvedTrafficTarget, Service } from "../../resources/service.ts";
import { Labels, type Revision } from "../../resources/serving_kinds.ts";
import type { Command, CommandContext } from "../command.ts";
import { CliError, UsageError } from "../cli_error.ts";
import { kindNamed, resourcePath } from "../resource_kinds.ts";
import { ageOf } from "../age.ts";
import { conditionColumns } from "../conditions.ts";
import { renderOutput } from "../output.ts";
import { formatFields } from "../table.ts";
import { LATEST_REF } from "../traffic_flags.ts";
import { hasServiceUpdate, type ServiceUpdate, updatedService } from "../service_update.ts";
import { limitsFields } from "../limits_fields.ts";
import { deleteCommand, describePage, type KList, listCommand } from "./resource_commands.ts";
import { applyServiceAndWait, SERVICE, WAIT_FLAGS } from "./service_change.ts";

const REVISION = kindNamed("Revision");

const list = listCommand<Service>({
  path: ["service", "list"],
  kind: SERVICE,
  noun: "services",
  headers: ["NAME", "URL", "LATEST", "AGE", "CONDITIONS", "READY", "REASON"],
  row: (s, ctx) => [
    s.metadata.name,
    s.status?.url ?? "",
    s.status?.latestReadyRevisionName ?? "",
    ageOf(s.metadata.creationTimestamp, ctx.now()),
    ...conditionColumns(s),
  ],
});

const describe: Command = {
  path: ["service", "describe"],
  args: "NAME",
  minArgs: 1,
  summary: "Show a Service: URL, revisions with their traffic, conditions",
  async run(ctx, [name]) {
    const client = ctx.client();
    const service = await client.get<Service>(resourcePath(SERVICE, ctx.namespace, name));
    if (ctx.output) return ctx.out(renderOutput(service, ctx.output));
    const revisions = (await client.get<KList<Revision>>(resourcePath(REVISION, ctx.namespace))).items
      .filter((r) => r.metadata.labels?.[Labels.service] === name);
    const fields: [string, string][] = [
      ["URL", service.status?.url ?? ""],
      ...limitsFields(service.spec.template.spec),
    ];
    ctx.out(describePage(service, ctx.now(), fields, [
      revisionsBlock(service, revisions, ctx.now()),
    ]));
  },
};

type Target = Pick<ResolvedTrafficTarget, "revisionName"> & Partial<ResolvedTrafficTarget>;

/** kn's `Revisions:` block: each traffic target with its percent, tag, generation and age. */
function revisionsBlock(service: Service, revisions: Revision[], now: Date): string {
  const byName = new Map(revisions.map((r) => [r.metadata.name, r]));
  const targets: Target[] = [...(service.status?.traffic ?? [])];
  const created = service.status?.latestCreatedRevisionName;
  if (created && !targets.some((t) => t.revisionName === created)) targets.unshift({ revisionName: created });
  if (!targets.length) return "Revisions:\n  (none yet)";
  const lines = targets.flatMap((t) => {
    const rev = byName.get(t.revisionName);
    const percent = t.percent === undefined ? "+" : `${t.percent}%`;
    const name = t.latestRevision ? `${LATEST_REF} (${t.revisionName})` : t.revisionName;
    const tag = t.tag ? ` #${t.tag}` : "";
    const generation = rev?.metadata.labels?.[Labels.configurationGeneration];
    const meta = [
      generation ? `[${generation}]` : "",
      rev ? `(${ageOf(rev.metadata.creationTimestamp, now)})` : "",
    ]
      .filter(Boolean).join(" ");
    const ready = rev?.status?.conditions?.find((c) => c.type === "Ready");
    const fields: [string, string][] = [["Image", shortImage(rev?.spec.containers[0]?.image)]];
    if (ready && ready.status !== "True") {
      fields.push(["Ready", `${ready.status} ${ready.reason ?? ""}`.trim()]);
    }
    return [
      `  ${percent.padStart(4)}  ${name}${tag} ${meta}`.trimEnd(),
      ...formatFields(fields).split("\n").map((l) => `        ${l}`),
    ];
  });
  return `Revisions:\n${lines.join("\n")}`;
}

/** A bundle image with its digest cut to 12 hex digits, as container tools show image ids. */
export function shortImage(image: string | undefined): string {
  if (!image) return "";
  const m = /^(bundle:sha256:)([0-9a-f]{12})[0-9a-f]{52}$/.exec(image);
  return m ? `${m[1]}${m[2]}` : image;
}

const update: Command = {
  path: ["service", "update"],
  args: "NAME",
  minArgs: 1,
  summary: "Change a Service's traffic split, tags, annotations, env or concurrency",
  details: [
    "Template changes (--annotation, --env, --concurrency-limit) make a new revision; traffic and tag",
    "changes do not. --traffic states the whole split (percents must add up to 100); REF is a revision",
    "name, a tag, or @latest (the latest ready revision). Tags get their own URL: http://TAG-NAME.NS.DOMAIN.",
    "",
    "Examples:",
    "  dn service update hello --traffic hello-00001=50 --traffic @latest=50",
    "  dn service update hello --tag hello-00001=old --untag candidate",
    "  dn service update hello --annotation autoscaling.knative.dev/max-scale=3 --env GREETING=hi",
  ].join("\n"),
  flags: [
    {
      name: "traffic",
      multiple: true,
      placeholder: "REF=PCT",
      description: "traffic percent for a revision, tag or @latest (repeatable)",
    },
    {
      name: "tag",
      multiple: true,
      placeholder: "REF=TAG",
      description: "tag a revision or @latest (repeatable)",
    },
    { name: "untag", multiple: true, placeholder: "TAG", description: "remove a tag (repeatable)" },
    {
      name: "annotation",
      short: "a",
      multiple: true,
      placeholder: "K=V",
      description: "revision template annotation; K- removes it (repeatable)",
    },
    {
      name: "env",
      short: "e",
      multiple: true,
      placeholder: "K=V",
      description: "environment variable; K- removes it (repeatable)",
    },
    {
      name: "concurrency-limit",
      placeholder: "N",
      description: "most requests one instance handles at once (0 = unlimited)",
    },
    ...WAIT_FLAGS,
  ],
  async run(ctx, [name], flags) {
    const edits: ServiceUpdate = {
      traffic: {
        traffic: flags.strings("traffic"),
        tags: flags.strings("tag"),
        untags: flags.strings("untag"),
      },
      annotations: flags.strings("annotation"),
      env: flags.strings("env"),
      concurrencyLimit: flags.string("concurrency-limit"),
    };
    if (!hasServiceUpdate(edits)) {
      throw new UsageError(
        "nothing to update: give --traffic, --tag, --untag, --annotation, --env or --concurrency-limit",
      );
    }
    const client = ctx.client();
    const before = await client.get<Service>(resourcePath(SERVICE, ctx.namespace, name));
    const { service } = updatedService(before, edits);
    await checkRevisionsExist(ctx, before, service);
    await applyServiceAndWait(ctx, flags, service, before);
  },
};

/** Revisions newly named in traffic must exist; the platform would only say so later, on the Route. */
async function checkRevisionsExist(ctx: CommandContext, before: Service, after: Service) {
  const known = new Set((before.spec.traffic ?? []).map((t) => t.revisionName));
  for (const t of after.spec.traffic ?? []) {
    if (!t.revisionName || known.has(t.revisionName)) continue;
    const rev = await ctx.client().find<Revision>(resourcePath(REVISION, ctx.namespace, t.revisionName));
    if (!rev) {
      throw new CliError(
        `Revision "${t.revisionName}" not found in namespace '${ctx.namespace}' (and it is not a tag)`,
      );
    }
    if (rev.metadata.labels?.[Labels.service] !== after.metadata.name) {
      throw new CliError(`Revision "${t.revisionName}" belongs to another Service`);
    }
    known.add(t.revisionName);
  }
}

export const serviceCommands: Command[] = [
  list,
  describe,
  update,
  {
    ...deleteCommand(["service", "delete"], SERVICE),
    summary: "Delete Services (and their revisions and routes)",
  },
];
