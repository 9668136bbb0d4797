import type { RuntimeVolume } from "./runtime_volumes.ts";

/** What a revision's instances need to run: its code, its environment and its request limits. */
export interface RevisionRuntimeSpec {
  namespace: string;
  service: string;
  revision: string;
  /** The revision's code snapshot; the only directory its instances may read. */
  bundleDir: string;
  /** Its entry module, relative to bundleDir (`main.ts`). */
  entry: string;
  env: Record<string, string>;
  /** Hard limit of requests in flight per instance; 0 = unlimited. */
  containerConcurrency: number;
  timeoutSeconds: number;
  /** Knative's responseStartTimeoutSeconds: the response must start within it (default timeoutSeconds). */
  responseStartTimeoutSeconds?: number;
  /** Knative's idleTimeoutSeconds: a response body, or an open WebSocket, sending nothing for this long is ended; 0 = never. */
  idleTimeoutSeconds?: number;
  /** `resources.limits.memory`: each isolate's heap limit, MiB (instances then get hosts of their own). */
  memoryLimitMb?: number;
  /** `resources.limits.cpu`: CPU per request per second of wall time, cores. */
  cpuLimitCores?: number;
  /** Its secret/configMap volumes (their files) and emptyDirs, at their mountPaths. */
  volumes?: RuntimeVolume[];
  /** `denative.dev/allow-net`: entries taken off the deny list (its instances then get hosts of their own). */
  allowNet?: string[];
}
