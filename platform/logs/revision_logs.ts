/** What the supervisor reports of instances (printed lines, finished requests), turned into log entries. */
import type { CapturedLog } from "../../runtime/log_capture.ts";
import type { RequestDone } from "../supervisor/pool_types.ts";
import type { RevisionRuntimeSpec } from "../supervisor/revision_runtime_spec.ts";
import type { InstanceLogSink } from "../supervisor/supervisor.ts";
import type { AccessRing } from "./access_ring.ts";
import type { LogStore } from "./log_store.ts";
import type { Clock } from "../clock/clock.ts";
import type { Logger } from "../log.ts";

export class RevisionLogs implements InstanceLogSink {
  constructor(
    private readonly store: LogStore,
    /** Whether a Service writes access lines. */
    private readonly accessLogOn: (namespace: string, service: string) => boolean,
    private readonly clock: Clock,
    /** The platform's own log, where printed lines also go (tagged with their revision), as `--quiet` allows. */
    private readonly echo?: Logger,
  ) {}

  printed(spec: RevisionRuntimeSpec, instance: number, log: CapturedLog) {
    this.store.append({
      time: log.time,
      namespace: spec.namespace,
      service: spec.service,
      revision: spec.revision,
      instance,
      level: log.level,
      kind: "app",
      message: String(log.message),
    });
    if (this.echo) {
      const line = `${spec.revision}/${instance}: ${log.message}`;
      if (log.level === "error") this.echo.error(line);
      else if (log.level === "warn") this.echo.warn(line);
      else this.echo.info(line);
    }
  }

  requestDone(spec: RevisionRuntimeSpec, done: RequestDone, traceId?: string) {
    if (!this.accessLogOn(spec.namespace, spec.service)) return;
    let ring = this.#rings.get(spec);
    if (!ring || ring.detached) {
      ring = this.store.accessRing(spec.namespace, spec.service, spec.revision);
      this.#rings.set(spec, ring);
    }
    this.store.appendAccess(ring, {
      time: this.clock.now(),
      instance: done.instance,
      method: done.method,
      url: done.url,
      status: done.status,
      durationMs: done.durationMs,
      coldStart: done.coldStart,
      traceId,
    });
  }

  /** Each revision's access ring, without a lookup per request. */
  #rings = new WeakMap<RevisionRuntimeSpec, AccessRing>();
}
