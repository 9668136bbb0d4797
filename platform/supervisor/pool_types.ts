/** What a RevisionPool is given (limits and collaborators) and what it reports per request. */
import type { Clock } from "../clock/clock.ts";
import type { Logger } from "../log.ts";
import type { InstanceLauncher } from "./instance_set.ts";

export interface PoolLimits {
  /** Queue slots per instance per unit of containerConcurrency (Knative's queue-proxy: 10). */
  queueDepthFactor: number;
  /** Queue bound when containerConcurrency is 0 (unlimited). */
  unboundedQueueDepth: number;
  /** How long a timed-out instance has to answer a ping before its host is killed, ms. */
  stuckProbeMs: number;
  /** How long an instance may take to load its code, ms. */
  instanceStartTimeoutMs: number;
  /** Client messages a WebSocket holds for a function that has not taken the previous ones, bytes. */
  webSocketBacklogBytes: number;
  /** Bytes buffered toward a slow WebSocket client past which its function waits. */
  webSocketClientBufferBytes: number;
}

export interface PoolDeps {
  launcher: InstanceLauncher;
  clock: Clock;
  /** Instance ids are unique across revisions: they name workers in shared hosts. */
  nextInstanceId: () => number;
  limits: PoolLimits;
  log: Logger;
  /** Called whenever the number of ready or desired instances changes. */
  onScaleChange?: () => void;
  /** The activator asks the autoscaler for capacity: a request is held (scaleTo follows). */
  askCapacity?: () => void;
  /** Why this revision runs in pool hosts of its own (the host pool knows). */
  quarantine?: () => string | undefined;
  /** Called once per request when it is over (the access log). */
  onRequestDone?: (done: RequestDone) => void;
}

/** One request's outcome, for the access log and tracing. */
export interface RequestDone {
  request: Request;
  /** When it arrived (clock ms). */
  start: number;
  /** How long it waited for an instance (held by the activator), ms. */
  waitMs: number;
  method: string;
  url: string;
  status: number;
  durationMs: number;
  /** The instance that served it; absent when none did (refused or timed out while held). */
  instance?: number;
  /** It waited for an instance to start from zero. */
  coldStart: boolean;
  /** It went through the activator: held, or admitted while the activator was in the path. */
  viaActivator: boolean;
  /** When the instance that served it began starting (clock ms), for the cold start's trace. */
  instanceStartedAt?: number;
}
