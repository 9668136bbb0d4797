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
import {
  natsJetStreamSourceDocument,
  rabbitmqSourceDocument,
  redisStreamSourceDocument,
} from "../queue_source_documents.ts";
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
  {
    word: "redis",
    kind: kindNamed("RedisStreamSource"),
    noun: "redis stream sources",
    createSummary: "Create a Redis stream source: stream entries as events, acknowledged after delivery",
    createDetails:
      "Examples:\n  dn source redis create orders --address 127.0.0.1:6379 --stream orders --group dn --sink ksvc:hello",
    flags: [
      {
        name: "address",
        placeholder: "HOST:PORT",
        description: "the Redis server (host:port or a redis:// URL)",
      },
      { name: "stream", placeholder: "STREAM", description: "the stream to read" },
      { name: "group", placeholder: "GROUP", description: "consumer group (created when missing)" },
      SINK_FLAG,
    ],
    build: (name, ns, f) =>
      redisStreamSourceDocument(name, ns, {
        address: f.string("address"),
        stream: f.string("stream"),
        group: f.string("group"),
        sink: f.string("sink"),
      }),
    column: ["STREAM", (s) => text(s.spec?.stream)],
    fields: (s) => [["Address", text(s.spec?.address)], ["Stream", text(s.spec?.stream)], [
      "Group",
      text(s.spec?.group),
    ]],
  },
  {
    word: "rabbitmq",
    kind: kindNamed("RabbitmqSource"),
    noun: "rabbitmq sources",
    createSummary: "Create a RabbitMQ source: queue messages as events, acknowledged after delivery",
    createDetails: [
      "The connection comes from a Secret whose `uri` key holds the AMQP URI (--secret), or from the",
      "Secret named like the RabbitmqCluster (--cluster).",
      "",
      "Examples:",
      "  dn source rabbitmq create orders --secret rabbit --exchange-name orders --queue-name orders-q \\",
      "    --sink ksvc:hello",
    ].join("\n"),
    flags: [
      { name: "secret", placeholder: "NAME", description: "Secret with the AMQP URI (key `uri`)" },
      { name: "cluster", placeholder: "NAME", description: "RabbitmqCluster name (a Secret of that name)" },
      { name: "exchange-name", placeholder: "EXCHANGE", description: "exchange to bind the queue to" },
      { name: "queue-name", placeholder: "QUEUE", description: "queue to read" },
      { name: "predeclared", type: "boolean", description: "the exchange and queue exist already" },
      { name: "parallelism", placeholder: "N", description: "messages in flight at once (1..1000)" },
      { name: "vhost", placeholder: "VHOST", description: "virtual host" },
      SINK_FLAG,
    ],
    build: (name, ns, f) =>
      rabbitmqSourceDocument(name, ns, {
        secret: f.string("secret"),
        cluster: f.string("cluster"),
        exchange: f.string("exchange-name"),
        queue: f.string("queue-name"),
        predeclared: f.bool("predeclared"),
        parallelism: f.string("parallelism"),
        vhost: f.string("vhost"),
        sink: f.string("sink"),
      }),
    column: ["QUEUE", (s) => text((s.spec?.rabbitmqResourcesConfig as { queueName?: unknown })?.queueName)],
    fields: (s) => {
      const config = (s.spec?.rabbitmqResourcesConfig ?? {}) as Record<string, unknown>;
      return [["Exchange", text(config.exchangeName)], ["Queue", text(config.queueName)]];
    },
  },
  {
    word: "nats",
    kind: kindNamed("NatsJetStreamSource"),
    noun: "nats jetstream sources",
    createSummary: "Create a NATS JetStream source: stream messages as events, acknowledged after delivery",
    createDetails:
      "Examples:\n  dn source nats create orders --servers nats://127.0.0.1:4222 --stream ORDERS --sink ksvc:hello",
    flags: [
      {
        name: "servers",
        multiple: true,
        placeholder: "URL",
        description: "NATS server URL(s), comma-separated",
      },
      { name: "stream", placeholder: "STREAM", description: "the JetStream stream to read" },
      { name: "subject", placeholder: "SUBJECT", description: "only messages of this subject" },
      { name: "consumer", placeholder: "NAME", description: "durable consumer name (created when missing)" },
      SINK_FLAG,
    ],
    build: (name, ns, f) =>
      natsJetStreamSourceDocument(name, ns, {
        servers: f.strings("servers"),
        stream: f.string("stream"),
        subject: f.string("subject"),
        consumer: f.string("consumer"),
        sink: f.string("sink"),
      }),
    column: ["STREAM", (s) => text(s.spec?.stream)],
    fields: (s) => [["Servers", text(s.spec?.servers)], ["Stream", text(s.spec?.stream)]],
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
const ALL_SOURCE_KINDS = [
  "PingSource",
  "ApiServerSource",
  "SinkBinding",
  "KafkaSource",
  "GitHubSource",
  "RedisStreamSource",
  "RabbitmqSource",
  "NatsJetStreamSource",
].map(kindNamed);

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
