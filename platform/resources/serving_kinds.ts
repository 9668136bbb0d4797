/** The Service's derived, read-only children: Configuration, Revision and Route. */
import type { Condition, KObject } from "./meta.ts";
import type { ResolvedTrafficTarget, RevisionSpec, RevisionTemplate, TrafficTarget } from "./service.ts";

export interface Configuration extends KObject {
  spec: { template: RevisionTemplate };
  status?: {
    observedGeneration?: number;
    conditions?: Condition[];
    latestCreatedRevisionName?: string;
    latestReadyRevisionName?: string;
  };
}

export interface Revision extends KObject {
  spec: RevisionSpec;
  status?: {
    observedGeneration?: number;
    conditions?: Condition[];
    actualReplicas?: number;
    desiredReplicas?: number;
    /** Denative: the content digest of the code this revision runs. */
    imageDigest?: string;
  };
}

export interface Route extends KObject {
  spec: { traffic: TrafficTarget[] };
  status?: {
    observedGeneration?: number;
    conditions?: Condition[];
    url?: string;
    address?: { url: string };
    traffic?: ResolvedTrafficTarget[];
  };
}

/** Labels Knative puts on derived objects; reconcilers follow them back to their owner. */
export const Labels = {
  service: "serving.knative.dev/service",
  configuration: "serving.knative.dev/configuration",
  configurationGeneration: "serving.knative.dev/configurationGeneration",
  route: "serving.knative.dev/route",
  revision: "serving.knative.dev/revision",
} as const;
