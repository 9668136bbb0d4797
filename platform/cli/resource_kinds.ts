/**
 * Where each resource kind lives on the admin API. The client knows kinds only through this table:
 * adding a kind the platform serves is one line here.
 */
export interface ResourceKind {
  /** `group/version`, or `v1` for the core group. */
  apiVersion: string;
  kind: string;
  /** Lowercase plural, the last path segment of a collection. */
  plural: string;
}

export const RESOURCE_KINDS: readonly ResourceKind[] = [
  { apiVersion: "serving.knative.dev/v1", kind: "Service", plural: "services" },
  { apiVersion: "serving.knative.dev/v1", kind: "Configuration", plural: "configurations" },
  { apiVersion: "serving.knative.dev/v1", kind: "Revision", plural: "revisions" },
  { apiVersion: "serving.knative.dev/v1", kind: "Route", plural: "routes" },
  { apiVersion: "eventing.knative.dev/v1", kind: "Broker", plural: "brokers" },
  { apiVersion: "eventing.knative.dev/v1", kind: "Trigger", plural: "triggers" },
  { apiVersion: "eventing.knative.dev/v1alpha1", kind: "KafkaSink", plural: "kafkasinks" },
  { apiVersion: "sources.knative.dev/v1", kind: "PingSource", plural: "pingsources" },
  { apiVersion: "sources.knative.dev/v1", kind: "ApiServerSource", plural: "apiserversources" },
  { apiVersion: "sources.knative.dev/v1", kind: "SinkBinding", plural: "sinkbindings" },
  { apiVersion: "sources.knative.dev/v1", kind: "KafkaSource", plural: "kafkasources" },
  // Knative ships KafkaSource as v1beta1; the platform serves both.
  { apiVersion: "sources.knative.dev/v1beta1", kind: "KafkaSource", plural: "kafkasources" },
  { apiVersion: "sources.knative.dev/v1alpha1", kind: "GitHubSource", plural: "githubsources" },
  { apiVersion: "v1", kind: "Secret", plural: "secrets" },
  { apiVersion: "messaging.knative.dev/v1", kind: "Channel", plural: "channels" },
  { apiVersion: "messaging.knative.dev/v1", kind: "InMemoryChannel", plural: "inmemorychannels" },
  { apiVersion: "messaging.knative.dev/v1", kind: "Subscription", plural: "subscriptions" },
  {
    apiVersion: "messaging.knative.dev/v1alpha1",
    kind: "NatsJetStreamChannel",
    plural: "natsjetstreamchannels",
  },
  { apiVersion: "flows.knative.dev/v1", kind: "Sequence", plural: "sequences" },
  { apiVersion: "flows.knative.dev/v1", kind: "Parallel", plural: "parallels" },
  { apiVersion: "sources.knative.dev/v1alpha1", kind: "RedisStreamSource", plural: "redisstreamsources" },
  { apiVersion: "sources.knative.dev/v1alpha1", kind: "RabbitmqSource", plural: "rabbitmqsources" },
  { apiVersion: "sources.knative.dev/v1alpha1", kind: "NatsJetStreamSource", plural: "natsjetstreamsources" },
];

/** The table entry for a document's `apiVersion` and `kind`. */
export function kindOf(apiVersion: string, kind: string): ResourceKind | undefined {
  return RESOURCE_KINDS.find((k) => k.apiVersion === apiVersion && k.kind === kind);
}

/** The table entry for a kind name alone (`Service`), for commands that name one kind. */
export function kindNamed(kind: string): ResourceKind {
  const found = RESOURCE_KINDS.find((k) => k.kind === kind);
  if (!found) throw new Error(`no resource kind "${kind}" in the table`);
  return found;
}

/**
 * The admin API path of a collection, or of one object when `name` is given:
 * `/apis/{group}/{version}/namespaces/{ns}/{plural}[/{name}]` (`/api/v1/...` for the core group),
 * or, with no namespace, the collection across all namespaces.
 */
export function resourcePath(kind: ResourceKind, namespace?: string, name?: string): string {
  const root = kind.apiVersion.includes("/") ? `/apis/${kind.apiVersion}` : `/api/${kind.apiVersion}`;
  if (namespace === undefined) return `${root}/${kind.plural}`;
  const collection = `${root}/namespaces/${encodeURIComponent(namespace)}/${kind.plural}`;
  return name === undefined ? collection : `${collection}/${encodeURIComponent(name)}`;
}
