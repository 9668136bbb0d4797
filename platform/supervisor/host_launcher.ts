/**
 * Starts a revision's instances in pool hosts: a host from the host pool, a code slot linked to the
 * revision's bundle (the only path the isolate may read), the instance's own link back to the
 * supervisor, and the Start frame. What the instance then says over its link becomes InstanceEvents.
 */
import { FrameType, jsonPayload, parseJson } from "../../runtime/protocol.ts";
import type { StartInstance } from "../../runtime/host.ts";
import type { HostProcess } from "./host_process.ts";
import type { HostPool } from "./host_pool.ts";
import type { HostConnection } from "./host_listener.ts";
import { InstanceLink } from "./instance_link.ts";
import { materializeVolumes, removeVolumes } from "./runtime_volumes.ts";
import type { InstanceEvents, InstanceHandle, InstanceLauncher } from "./instance_set.ts";
import type { RevisionRuntimeSpec } from "./revision_runtime_spec.ts";
import type { CapturedLog } from "../../runtime/log_capture.ts";
import type { SlotCodeCache } from "./slot_code_cache.ts";

/** How long a dropped link waits for news of its host's death before it counts as the isolate's own, ms. */
const LINK_LOSS_GRACE_MS = 250;

/** Where instances connect back to (see HostListener). */
export interface InstanceLinks {
  /** The unix socket instances connect to. */
  path: string;
  expect(token: string, timeoutMs: number, who: string): Promise<HostConnection>;
}

export interface HostLauncherOptions {
  hosts: HostPool<HostProcess>;
  links: InstanceLinks;
  spec: RevisionRuntimeSpec;
  /** How long an instance may take to connect its link, ms. */
  startTimeoutMs: number;
  /** A line an instance's function printed. */
  onLog?: (instance: number, log: CapturedLog) => void;
  /** Deno's caches of the revision's code, carried from slot to slot (see slot_code_cache.ts). */
  codeCache?: SlotCodeCache;
}

/** How long after an instance is ready its slot's code caches are kept for the next one, ms (off the request path). */
const KEEP_CODE_CACHE_AFTER_MS = 500;

export class HostLauncher implements InstanceLauncher {
  readonly #key: string;

  constructor(private readonly opts: HostLauncherOptions) {
    this.#key = `${opts.spec.namespace}/${opts.spec.revision}`;
  }

  async launch(id: number, events: InstanceEvents): Promise<InstanceHandle> {
    const { hosts, spec } = this.opts;
    const host = await hosts.acquire(id, {
      revisionKey: this.#key,
      busy: events.busy,
      failed: events.failed,
      hostGone: events.hostGone,
    });
    const slot = host.claimSlot();
    const codeCache = this.opts.codeCache;
    try {
      await Deno.symlink(spec.bundleDir, slot);
    } catch (err) {
      hosts.release(host, id);
      throw new Error(`linking the code for instance ${id} failed: ${(err as Error).message}`);
    }
    let mounts;
    try {
      mounts = await materializeVolumes(slot, spec.volumes);
    } catch (err) {
      Deno.remove(slot).catch(() => {});
      removeVolumes(slot);
      hosts.release(host, id);
      throw new Error(`preparing the volumes of instance ${id} failed: ${(err as Error).message}`);
    }
    if (host.gone) {
      Deno.remove(slot).catch(() => {});
      removeVolumes(slot);
      throw new Error("its pool host went away while the code was being linked");
    }
    codeCache?.prime(spec.bundleDir, slot);
    let link: InstanceLink | undefined;
    let stopped = false;
    let keepTimer: ReturnType<typeof setTimeout> | undefined;
    const handle: InstanceHandle = {
      hostPid: host.pid,
      get link() {
        return link!;
      },
      ping: () => link?.send(FrameType.Ping, id),
      stop: () => {
        if (stopped) return;
        stopped = true;
        if (!host.gone) host.send(FrameType.StopInstance, id);
        link?.close();
        if (keepTimer !== undefined) {
          clearTimeout(keepTimer);
          codeCache?.keep(spec.bundleDir, slot);
        }
        codeCache?.forget(slot);
        Deno.remove(slot).catch(() => {});
        // An emptyDir lives as long as its instance.
        removeVolumes(slot);
        hosts.release(host, id);
      },
      killHost: (reason) => hosts.kill(host, this.#key, reason),
    };
    const token = crypto.randomUUID();
    this.opts.links.expect(token, this.opts.startTimeoutMs, `instance ${id}`).then((c) => {
      link = new InstanceLink(c.conn, c.reader, c.leftover, {
        frame: (f) => {
          switch (f.type) {
            case FrameType.InstanceReady:
              if (codeCache) {
                keepTimer = setTimeout(() => codeCache.keep(spec.bundleDir, slot), KEEP_CODE_CACHE_AFTER_MS);
              }
              return events.ready();
            case FrameType.InstanceFailed:
              return events.failed(parseJson<{ error: string }>(f.payload).error);
            case FrameType.Pong:
              return events.pong();
            case FrameType.Log:
              return this.opts.onLog?.(id, parseJson<CapturedLog>(f.payload));
            case FrameType.Heartbeat: {
              const s = parseJson<{ heapUsed: number; cpuMicros: number }>(f.payload);
              return events.stats(s.heapUsed, s.cpuMicros);
            }
            default:
              return events.frame(f);
          }
        },
        closed: () => {
          if (stopped) return;
          // When a whole host dies, every link in it drops a moment before the host's exit is seen;
          // the host pool must find these instances still there (and busy) to tell whom to blame.
          const timer = setTimeout(lost, LINK_LOSS_GRACE_MS);
          host.whenGone.then(lost);
          function lost() {
            clearTimeout(timer);
            if (!stopped) events.failed("its isolate went away");
          }
        },
      });
      if (stopped) return link.close();
      link.start();
    }, () => {/* the instance set's start timeout reports it */});
    const start: StartInstance = {
      instance: id,
      link: { path: this.opts.links.path, token },
      slot,
      moduleUrl: `file://${slot}/${spec.entry}`,
      service: spec.service,
      namespace: spec.namespace,
      revision: spec.revision,
      env: spec.env,
      mounts,
    };
    host.send(FrameType.StartInstance, id, jsonPayload(start));
    return handle;
  }
}
