/**
 * What discovery and `kubectl get` know of each kind beyond its path: singular name, Knative's
 * short names and categories, whether it has a `/status` subresource, and its printer columns
 * (as Knative's CRDs declare them). Kinds not listed here are served with plain defaults.
 */
import type { KindInfo } from "../../resources/kinds.ts";
import type { KObject } from "../../resources/meta.ts";
import { nodeStatusText } from "../../cluster/node_kind.ts";

export interface PrinterColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  jsonPath: string;
  /** Computes the cell where no JSONPath can (a Node's Ready/NotReady, as kubectl shows it). */
  value?: (obj: KObject) => unknown;
}

export interface KubeKindInfo {
  shortNames: string[];
  categories: string[];
  statusSubresource: boolean;
  /** Columns after NAME; none means NAME and AGE, as the API server does for a CRD without columns. */
  columns: PrinterColumn[];
}

const READY: PrinterColumn = {
  name: "Ready",
  type: "string",
  jsonPath: ".status.conditions[?(@.type=='Ready')].status",
};
const REASON: PrinterColumn = {
  name: "Reason",
  type: "string",
  jsonPath: ".status.conditions[?(@.type=='Ready')].reason",
};
const AGE: PrinterColumn = { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" };
const SINK: PrinterColumn = { name: "Sink", type: "string", jsonPath: ".status.sinkUri" };
const SERVING = ["all", "knative", "serving"];
const EVENTING = ["all", "knative", "eventing"];
const SOURCES = ["all", "knative", "sources"];

/** By `{group}/{plural}`. */
const KNOWN: Record<string, Partial<KubeKindInfo>> = {
  "serving.knative.dev/services": {
    shortNames: ["kservice", "ksvc"],
    categories: SERVING,
    columns: [
      { name: "URL", type: "string", jsonPath: ".status.url" },
      { name: "LatestCreated", type: "string", jsonPath: ".status.latestCreatedRevisionName" },
      { name: "LatestReady", type: "string", jsonPath: ".status.latestReadyRevisionName" },
      READY,
      REASON,
    ],
  },
  "serving.knative.dev/configurations": {
    shortNames: ["config", "cfg"],
    categories: SERVING,
    columns: [
      { name: "LatestCreated", type: "string", jsonPath: ".status.latestCreatedRevisionName" },
      { name: "LatestReady", type: "string", jsonPath: ".status.latestReadyRevisionName" },
      READY,
      REASON,
    ],
  },
  "serving.knative.dev/revisions": {
    shortNames: ["rev"],
    categories: SERVING,
    columns: [
      {
        name: "Config Name",
        type: "string",
        jsonPath: ".metadata.labels['serving\\.knative\\.dev/configuration']",
      },
      {
        name: "Generation",
        type: "string",
        jsonPath: ".metadata.labels['serving\\.knative\\.dev/configurationGeneration']",
      },
      READY,
      REASON,
      { name: "Actual Replicas", type: "integer", jsonPath: ".status.actualReplicas" },
      { name: "Desired Replicas", type: "integer", jsonPath: ".status.desiredReplicas" },
    ],
  },
  "serving.knative.dev/routes": {
    shortNames: ["rt"],
    categories: SERVING,
    columns: [{ name: "URL", type: "string", jsonPath: ".status.url" }, READY, REASON],
  },
  "eventing.knative.dev/brokers": {
    categories: EVENTING,
    columns: [
      { name: "URL", type: "string", jsonPath: ".status.address.url" },
      AGE,
      READY,
      REASON,
      {
        name: "Class",
        type: "string",
        jsonPath: ".metadata.annotations.eventing\\.knative\\.dev/broker\\.class",
      },
    ],
  },
  "eventing.knative.dev/triggers": {
    categories: EVENTING,
    columns: [
      { name: "Broker", type: "string", jsonPath: ".spec.broker" },
      { name: "Subscriber_URI", type: "string", jsonPath: ".status.subscriberUri" },
      AGE,
      READY,
      REASON,
    ],
  },
  "eventing.knative.dev/kafkasinks": {
    categories: EVENTING,
    columns: [{ name: "URL", type: "string", jsonPath: ".status.address.url" }, AGE, READY, REASON],
  },
  "sources.knative.dev/pingsources": {
    categories: SOURCES,
    columns: [SINK, { name: "Schedule", type: "string", jsonPath: ".spec.schedule" }, AGE, READY, REASON],
  },
  "sources.knative.dev/apiserversources": { categories: SOURCES, columns: [SINK, AGE, READY, REASON] },
  "sources.knative.dev/sinkbindings": {
    categories: [...SOURCES, "bindings"],
    columns: [SINK, AGE, READY, REASON],
  },
  "sources.knative.dev/githubsources": {
    categories: [...EVENTING, "sources"],
    columns: [READY, REASON, SINK, AGE],
  },
  "sources.knative.dev/kafkasources": {
    categories: [...EVENTING, "sources"],
    columns: [
      { name: "Topics", type: "string", jsonPath: ".spec.topics" },
      { name: "BootstrapServers", type: "string", jsonPath: ".spec.bootstrapServers" },
      READY,
      REASON,
      AGE,
    ],
  },
  "/namespaces": {
    shortNames: ["ns"],
    statusSubresource: false,
    columns: [{ name: "Status", type: "string", jsonPath: ".status.phase" }, AGE],
  },
  "/secrets": {
    statusSubresource: false,
    columns: [{ name: "Type", type: "string", jsonPath: ".type" }, AGE],
  },
  "/configmaps": { shortNames: ["cm"], statusSubresource: false },
  "/nodes": {
    shortNames: ["no"],
    statusSubresource: true,
    columns: [
      { name: "Status", type: "string", jsonPath: ".status.conditions", value: nodeStatusText },
      { name: "Roles", type: "string", jsonPath: ".metadata.labels.roles", value: () => "<none>" },
      AGE,
      { name: "Version", type: "string", jsonPath: ".status.nodeInfo.kubeletVersion" },
    ],
  },
};

export function kubeKindInfo(kind: KindInfo): KubeKindInfo {
  const known = KNOWN[`${kind.group}/${kind.plural}`] ?? {};
  return {
    shortNames: known.shortNames ?? [],
    categories: known.categories ?? [],
    // Knative's kinds all have one; core kinds say so above.
    statusSubresource: known.statusSubresource ?? kind.group !== "",
    columns: known.columns ?? [],
  };
}

/** `Service` -> `service`. */
export function singularOf(kind: KindInfo): string {
  return kind.kind.toLowerCase();
}
