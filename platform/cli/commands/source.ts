/**
 * `dn source ping|kafka|github|apiserver create|list|describe|delete` and `dn source list`: event
 * sources, as `kn source ...` manages them.
 */
import type { KObject } from "../../resources/meta.ts";
import type { Command, CommandContext, Flags } from "../command.ts";
import { ApiError } from "../admin_client.ts";
import { kindNamed, type ResourceKind, resourcePath } from "../resource_kinds.ts";
import { ageOf } from "../age.ts";
import { conditionColumns } from "../conditions.ts";
import type { FlagSpec } from "../args.ts";
import {
  apiServerSourceDocument,
  type Doc,
  githubSourceDocument,
  kafkaSourceDocument,
  pingSourceDocument,
} from "../eventing_documents.ts";
import { type Destination, SINK_FLAG, sinkText } from "../sink.ts";
import { renderOutput } from "../output.ts";
import { formatTable } from "../table.ts";
import {
  ALL_NAMESPACES_FLAG,
  createCommand,
  deleteCommand,
  describeCommand,
  type KList,
  listCommand,
} from "./resource_commands.ts";

interface Source extends KObject {
  spec?: { sink?: Destination; [field: string]: unknown };
  status?: KObject["status"] & { sinkUri?: string; url?: string };
}

interface SourceType {
  /** The word after `dn source`. */
  word: string;
  kind: ResourceKind;
  noun: string;
  createSummary: string;
  createDetails: string;
  flags: FlagSpec[];
  build(name: string, namespace: string, flags: Flags): Doc;
  /** One column between NAME and SINK in the list, with its header. */
  column: [string, (s: Source) => string];
  /** Describe fields between Age and Sink. */
  fields(s: Source): [string, string][];
}

const list = (v: unknown) => (Array.isArray(v) ? v.join(",") : "");
const text = (v: unknown) => (typeof v === "string" ? v : "");
const resources = (v: unknown) =>
  (Array.isArray(v) ? v : []).map((r: { kind?: string; apiVersion?: string }) => `${r.kind}:${r.apiVersion}`);

const TYPES: SourceType[] = [
  {
    word: "ping",
    kind: kindNamed("PingSource"),
    noun: "ping sources",
    createSummary: "Create a ping source: an event on a cron schedule",
    createDetails:
      'Examples:\n  dn source ping create tick --schedule "*/1 * * * *" --data \'{"n":1}\' --sink ksvc:hello',
    flags: [
      { name: "schedule", placeholder: "CRON", description: 'cron schedule, e.g. "*/2 * * * *"' },
      { name: "data", placeholder: "DATA", description: "event data; a base64: prefix sends binary data" },
      { name: "timezone", placeholder: "TZ", description: "time zone of the schedule, e.g. Europe/Paris" },
      SINK_FLAG,
    ],
    build: (name, ns, f) =>
      pingSourceDocument(name, ns, {
        schedule: f.string("schedule"),
        data: f.string("data"),
        timezone: f.string("timezone"),
        sink: f.string("sink"),
      }),
    column: ["SCHEDULE", (s) => text(s.spec?.schedule)],
    fields: (
      s,
    ) => [["Schedule", text(s.spec?.schedule)], ["Data", text(s.spec?.data) || text(s.spec?.dataBase64)]],
  },
  {
    word: "kafka",
    kind: kindNamed("KafkaSource"),
    noun: "kafka sources",
    createSummary: "Create a Kafka source: records from Kafka topics as events",
    createDetails:
      "Examples:\n  dn source kafka create orders --servers 127.0.0.1:9092 --topics orders --consumergroup dn --sink ksvc:hello",
    flags: [
      {
        name: "servers",
        multiple: true,
        placeholder: "HOST:PORT",
        description: "Kafka bootstrap servers (comma-separated)",
      },
      {
        name: "topics",
        multiple: true,
        placeholder: "TOPIC",
        description: "topics to read (comma-separated)",
      },
      { name: "consumergroup", placeholder: "GROUP", description: "consumer group id" },
      SINK_FLAG,
    ],
    build: (name, ns, f) =>
      kafkaSourceDocument(name, ns, {
        servers: f.strings("servers"),
        topics: f.strings("topics"),
        consumerGroup: f.string("consumergroup"),
        sink: f.string("sink"),
      }),
    column: ["TOPICS", (s) => list(s.spec?.topics)],
    fields: (s) => [
      ["Servers", list(s.spec?.bootstrapServers)],
      ["Topics", list(s.spec?.topics)],
      ["Consumer group", text(s.spec?.consumerGroup)],
    ],
  },
  {
    word: "github",
    kind: kindNamed("GitHubSource"),
    noun: "github sources",
    createSummary: "Create a GitHub source: repository webhooks as events",
    createDetails: [
      "Give GitHub the webhook URL that `dn source github describe NAME` shows.",
      "",
      "Examples:",
      "  dn source github create gh --repository denoland/deno --event-types push,pull_request \\",
      "    --secret-token gh-secret:token --sink ksvc:hello",
    ].join("\n"),
    flags: [
      { name: "org", placeholder: "OWNER", description: "repository owner (organization or user)" },
      {
        name: "repository",
        placeholder: "OWNER/REPO",
        description: "the repository (or just REPO with --org)",
      },
      {
        name: "event-types",
        multiple: true,
        placeholder: "TYPES",
        description: "GitHub event types (comma-separated)",
      },
      {
        name: "secret-token",
        placeholder: "SECRET:KEY",
        description: "secret and key holding the webhook secret",
      },
      {
        name: "access-token",
        placeholder: "SECRET:KEY",
        description: "secret and key holding a GitHub access token",
      },
      SINK_FLAG,
    ],
    build: (name, ns, f) =>
      githubSourceDocument(name, ns, {
        org: f.string("org"),
        repository: f.string("repository"),
        eventTypes: f.strings("event-types"),
        secretToken: f.string("secret-token"),
        accessToken: f.string("access-token"),
        sink: f.string("sink"),
      }),
    column: ["REPOSITORY", (s) => text(s.spec?.ownerAndRepository)],
    fields: (s) => [
      ["Repository", text(s.spec?.ownerAndRepository)],
      ["Event types", list(s.spec?.eventTypes)],
      ["Webhook URL", s.status?.url ?? ""],
    ],
  },
  {
    word: "apiserver",
    kind: kindNamed("ApiServerSource"),
    noun: "apiserver sources",
    createSummary: "Create an API server source: changes to resources as events",
    createDetails:
      "Examples:\n  dn source apiserver create changes --resource Service:serving.knative.dev/v1 --mode Resource --sink ksvc:hello",
    flags: [
      {
        name: "resource",
        multiple: true,
        placeholder: "KIND:APIVERSION",
        description: "resources to watch, e.g. Event:v1 (optional :LABEL=VALUE selector; repeatable)",
      },
      {
        name: "mode",
        placeholder: "MODE",
        description: "Reference (the default: only a reference) or Resource (the whole object)",
      },
      {
        name: "service-account",
        placeholder: "NAME",
        description: "service account name, kept for Knative compatibility",
      },
      SINK_FLAG,
    ],
    build: (name, ns, f) =>
      apiServerSourceDocument(name, ns, {
        resources: f.strings("resource"),
        mode: f.string("mode"),
        serviceAccount: f.string("service-account"),
        sink: f.string("sink"),
      }),
    column: ["RESOURCES", (s) => resources(s.spec?.resources).join(",")],
    fields: (s) => [
      ["Resources", resources(s.spec?.resources).join(", ")],
      ["Mode", text(s.spec?.mode)],
    ],
  },
];

function commandsOf(t: SourceType): Command[] {
  const path = (verb: string) => ["source", t.word, verb];
  return [
    createCommand({
      path: path("create"),
      kind: t.kind,
      summary: t.createSummary,
      details: t.createDetails,
      flags: t.flags,
      build: t.build,
    }),
    listCommand<Source>({
      path: path("list"),
      kind: t.kind,
      noun: t.noun,
      headers: ["NAME", t.column[0], "SINK", "AGE", "CONDITIONS", "READY", "REASON"],
      row: (s, ctx) => [
        s.metadata.name,
        t.column[1](s),
        sinkText(s.spec?.sink),
        ageOf(s.metadata.creationTimestamp, ctx.now()),
        ...conditionColumns(s),
      ],
    }),
    describeCommand<Source>(path("describe"), t.kind, (s) => [
      ...t.fields(s),
      ["Sink", sinkText(s.spec?.sink)],
      ["Sink URI", s.status?.sinkUri ?? ""],
    ]),
    deleteCommand(path("delete"), t.kind),
  ];
}

/** Every kind of source, for `dn source list`. */
const ALL_SOURCE_KINDS = ["PingSource", "ApiServerSource", "SinkBinding", "KafkaSource", "GitHubSource"].map(
  kindNamed,
);

const listAll: Command = {
  path: ["source", "list"],
  summary: "List event sources of every kind",
  flags: [ALL_NAMESPACES_FLAG],
  async run(ctx) {
    const items: Source[] = [];
    for (const kind of ALL_SOURCE_KINDS) items.push(...await listIfServed(ctx, kind));
    if (ctx.output) return ctx.out(renderOutput({ apiVersion: "v1", kind: "List", items }, ctx.output));
    if (!items.length) return ctx.out("No sources found.");
    const headers = ["NAME", "TYPE", "SINK", "AGE", "CONDITIONS", "READY", "REASON"];
    const rows = items.map((s) => {
      const row = [
        s.metadata.name,
        s.kind,
        sinkText(s.spec?.sink),
        ageOf(s.metadata.creationTimestamp, ctx.now()),
        ...conditionColumns(s),
      ];
      return ctx.allNamespaces ? [s.metadata.namespace, ...row] : row;
    });
    ctx.out(formatTable(ctx.allNamespaces ? ["NAMESPACE", ...headers] : headers, rows));
  },
};

/** A kind the platform does not serve has no sources to list. */
async function listIfServed(ctx: CommandContext, kind: ResourceKind): Promise<Source[]> {
  try {
    const list = await ctx.client().get<KList<Source>>(
      resourcePath(kind, ctx.allNamespaces ? undefined : ctx.namespace),
    );
    return list.items.map((s) => ({ ...s, kind: s.kind ?? kind.kind }));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return [];
    throw err;
  }
}

export const sourceCommands: Command[] = [listAll, ...TYPES.flatMap(commandsOf)];
