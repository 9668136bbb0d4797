/**
 * The documents `dn broker|trigger|source ... create` send, built from kn's flags: Brokers,
 * Triggers and the event sources, each in the Knative shape the platform stores.
 */
import { UsageError } from "./cli_error.ts";
import { splitKeyValue } from "./key_value.ts";
import { type Destination, parseSink } from "./sink.ts";
import { kindNamed } from "./resource_kinds.ts";

export type Doc = Record<string, unknown>;

/** kn's broker class annotation. */
export const BROKER_CLASS_ANNOTATION = "eventing.knative.dev/broker.class";

function header(kind: string, name: string, namespace: string, annotations?: Record<string, string>): Doc {
  const metadata: Doc = { name, namespace };
  if (annotations && Object.keys(annotations).length) metadata.annotations = annotations;
  return { apiVersion: kindNamed(kind).apiVersion, kind, metadata };
}

/** Comma-separated and repeated flag values as one list (`--topics a,b --topics c`). */
export function commaList(values: string[]): string[] {
  return values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
}

function required(flag: string, value: string | undefined): string {
  if (!value) throw new UsageError(`--${flag} is required`);
  return value;
}

function sinkOf(value: string | undefined): Destination {
  return parseSink(required("sink", value));
}

/** `secretName:key` -> a `secretKeyRef`, as kn's GitHub source reads `--secret-token`. */
export function secretKeyRef(flag: string, value: string): { secretKeyRef: { name: string; key: string } } {
  const i = value.indexOf(":");
  if (i <= 0 || i === value.length - 1) throw new UsageError(`--${flag} ${value}: want SECRET_NAME:KEY`);
  return { secretKeyRef: { name: value.slice(0, i), key: value.slice(i + 1) } };
}

export function brokerDocument(
  name: string,
  namespace: string,
  flags: { className?: string; deadLetterSink?: string },
): Doc {
  const doc = header(
    "Broker",
    name,
    namespace,
    flags.className ? { [BROKER_CLASS_ANNOTATION]: flags.className } : {},
  );
  doc.spec = flags.deadLetterSink
    ? { delivery: { deadLetterSink: parseSink(flags.deadLetterSink, "dl-sink") } }
    : {};
  return doc;
}

export function triggerDocument(
  name: string,
  namespace: string,
  flags: { broker?: string; filters: string[]; sink?: string },
): Doc {
  const spec: Doc = { broker: flags.broker || "default" };
  if (flags.filters.length) {
    const attributes: Record<string, string> = {};
    for (const f of flags.filters) {
      const [k, v] = splitKeyValue("filter", f);
      attributes[k] = v;
    }
    spec.filter = { attributes };
  }
  spec.subscriber = sinkOf(flags.sink);
  return { ...header("Trigger", name, namespace), spec };
}

export function pingSourceDocument(
  name: string,
  namespace: string,
  flags: { schedule?: string; data?: string; timezone?: string; sink?: string },
): Doc {
  const spec: Doc = { schedule: required("schedule", flags.schedule) };
  if (flags.timezone) spec.timezone = flags.timezone;
  if (flags.data !== undefined) {
    // kn: `base64:` marks binary data, `data:` escapes a value that would otherwise look like that.
    if (flags.data.startsWith("base64:")) spec.dataBase64 = flags.data.slice("base64:".length);
    else spec.data = flags.data.startsWith("data:") ? flags.data.slice("data:".length) : flags.data;
  }
  spec.sink = sinkOf(flags.sink);
  return { ...header("PingSource", name, namespace), spec };
}

export function kafkaSourceDocument(
  name: string,
  namespace: string,
  flags: { servers: string[]; topics: string[]; consumerGroup?: string; sink?: string },
): Doc {
  const bootstrapServers = commaList(flags.servers);
  const topics = commaList(flags.topics);
  if (!bootstrapServers.length) throw new UsageError("--servers is required");
  if (!topics.length) throw new UsageError("--topics is required");
  const spec: Doc = { bootstrapServers, topics };
  if (flags.consumerGroup) spec.consumerGroup = flags.consumerGroup;
  spec.sink = sinkOf(flags.sink);
  return { ...header("KafkaSource", name, namespace), spec };
}

export function githubSourceDocument(
  name: string,
  namespace: string,
  flags: {
    org?: string;
    repository?: string;
    eventTypes: string[];
    secretToken?: string;
    accessToken?: string;
    sink?: string;
  },
): Doc {
  const { org, repository } = flags;
  const ownerAndRepository = repository?.includes("/")
    ? repository
    : org && repository
    ? `${org}/${repository}`
    : org;
  if (!ownerAndRepository || (repository && !org && !repository.includes("/"))) {
    throw new UsageError(
      "--repository OWNER/REPO (or --org ORG, with --repository REPO for one repository) is required",
    );
  }
  const eventTypes = commaList(flags.eventTypes);
  if (!eventTypes.length) throw new UsageError("--event-types is required (e.g. push,pull_request)");
  const spec: Doc = { ownerAndRepository, eventTypes };
  if (flags.accessToken) spec.accessToken = secretKeyRef("access-token", flags.accessToken);
  if (flags.secretToken) spec.secretToken = secretKeyRef("secret-token", flags.secretToken);
  spec.sink = sinkOf(flags.sink);
  return { ...header("GitHubSource", name, namespace), spec };
}

/**
 * `--resource` as kn writes it (`Kind:apiVersion[:selector]`, e.g. `Event:v1`) or the other way
 * round (`v1:Event`); the optional selector is `key=value,...` labels to match.
 */
export function apiServerResource(value: string): Doc {
  const parts = value.split(":");
  if (parts.length < 2 || parts.length > 3 || !parts[0] || !parts[1]) {
    throw new UsageError(
      `--resource ${value}: want KIND:APIVERSION (e.g. Event:v1), with an optional :LABEL=VALUE`,
    );
  }
  const looksLikeVersion = (s: string) => s.includes("/") || /^v\d+((alpha|beta)\d+)?$/.test(s);
  const [apiVersion, kind] = looksLikeVersion(parts[0]) && !looksLikeVersion(parts[1])
    ? [parts[0], parts[1]]
    : [parts[1], parts[0]];
  const resource: Doc = { apiVersion, kind };
  if (parts[2]) {
    const matchLabels: Record<string, string> = {};
    for (const pair of parts[2].split(",")) {
      const [k, v] = splitKeyValue("resource", pair);
      matchLabels[k] = v;
    }
    resource.selector = { matchLabels };
  }
  return resource;
}

export function apiServerSourceDocument(
  name: string,
  namespace: string,
  flags: { resources: string[]; mode?: string; serviceAccount?: string; sink?: string },
): Doc {
  if (!flags.resources.length) throw new UsageError("--resource is required (e.g. Event:v1)");
  const mode = flags.mode ?? "Reference";
  if (mode !== "Reference" && mode !== "Resource") {
    throw new UsageError(`--mode ${mode}: want Reference or Resource`);
  }
  const spec: Doc = { resources: flags.resources.map(apiServerResource), mode };
  if (flags.serviceAccount) spec.serviceAccountName = flags.serviceAccount;
  spec.sink = sinkOf(flags.sink);
  return { ...header("ApiServerSource", name, namespace), spec };
}
