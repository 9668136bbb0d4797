/**
 * Runs the sources of one node from the store's watch:
 * - SinkBindings are applied to Services synchronously, inside the watch callback;
 * - ApiServerSource events are made from every change and queued for delivery;
 * - statuses of sources and bindings are refreshed, a namespace at a time on the reconcile queue,
 *   when something they depend on changes: the source itself, a sink appearing or going, a Secret;
 * - PingSource timers are armed, re-armed on a schedule change and stopped on delete.
 * Until `start()` (the node serves), only SinkBindings act; `start()` then reconciles everything.
 */
import type { ResourceStore, WatchEvent } from "../../store/resource_store.ts";
import type { KObject } from "../../resources/meta.ts";
import type { Service } from "../../resources/service.ts";
import type { Logger } from "../../log.ts";
import type { Clock } from "../delivery/clock.ts";
import type { EventSender } from "../event_sender.ts";
import { SinkBindingReconciler } from "./sink_binding_reconciler.ts";
import { SourceReconciler } from "./source_reconciler.ts";
import { ApiServerDispatcher } from "./apiserver_dispatcher.ts";
import { PingScheduler } from "./ping_scheduler.ts";
import { makePingEvent, pingSchedule, type PingSource } from "./ping_source.ts";
import type { ApiServerSource } from "./apiserver_source.ts";
import type { GitHubSource } from "./github_source.ts";
import type { SinkBinding } from "./sink_binding.ts";
import type { SourceStatus } from "./source_status.ts";
import { deliverFromSource } from "./source_delivery.ts";
import { destinationOf } from "./source_spec.ts";
import { ReconcileQueue, type Reconciler } from "../../reconciler/reconcile_queue.ts";

const SOURCE_KINDS = new Set(["PingSource", "ApiServerSource", "GitHubSource", "SinkBinding"]);

export interface SourcesControllerDeps {
  store: ResourceStore;
  sender: EventSender;
  clock: Clock;
  log: Logger;
  /** `source` of ApiServerSource events. */
  apiServerOrigin: string;
  webhookUrl: (namespace: string, name: string) => string;
  /** The form of a sink URL that a function's own fetch can reach (K_SINK). */
  reachableUrl?: (url: string) => string;
  now?: () => Date;
  /** Cluster mode: true on one node only per key, so each ping tick fires once in the cluster. */
  claimOnce?: (key: string) => Promise<boolean>;
  /** Cluster mode: ApiServerSource events are sent by the node holding this lease only. */
  holdsApiServerLease?: () => boolean;
}

export class SourcesController implements Reconciler {
  readonly bindings: SinkBindingReconciler;
  readonly statuses: SourceReconciler;
  readonly apiServer: ApiServerDispatcher;
  readonly ping: PingScheduler;
  #unwatch: () => void;
  #started = false;
  #stopped = false;
  /** Namespaces whose sources' statuses (and ping timers) to reconcile. */
  #namespaces: ReconcileQueue;
  #stop = new AbortController();

  constructor(private readonly deps: SourcesControllerDeps) {
    const now = deps.now ?? (() => new Date());
    const log = deps.log;
    this.#namespaces = new ReconcileQueue(this, { name: "sources", log, clock: deps.clock });
    this.bindings = new SinkBindingReconciler(deps.store, deps.sender, log, now, deps.reachableUrl);
    this.statuses = new SourceReconciler(deps.store, deps.sender, deps.webhookUrl, now);
    this.apiServer = new ApiServerDispatcher({
      store: deps.store,
      sender: deps.sender,
      clock: deps.clock,
      log,
      origin: deps.apiServerOrigin,
      now,
      onSinkMissing: (ns) => this.markDirty(ns),
    });
    this.ping = new PingScheduler(
      deps.clock,
      (key, at) => this.#firePing(key, at),
      (key, err) => log.warn(`pingsource ${key}: ${(err as Error).message}`),
    );
    // Registered when the node is built, before the serving controller: see SinkBindingReconciler.
    this.#unwatch = deps.store.watch((change) => this.#onChange(change));
  }

  start() {
    this.#started = true;
    this.apiServer.start();
    for (const kind of SOURCE_KINDS) {
      for (const obj of this.deps.store.list(kind)) this.#namespaces.enqueue(obj.metadata.namespace);
    }
    for (const svc of this.deps.store.list<Service>("Service")) this.bindings.syncService(svc);
  }

  stop() {
    this.#stopped = true;
    this.#unwatch();
    this.#stop.abort();
    this.apiServer.stop();
    this.ping.stopAll();
    this.#namespaces.stop();
  }

  /** Refreshes the statuses (and ping timers) of a namespace's sources soon (after `start()`, which does all). */
  markDirty(namespace: string) {
    if (this.#started) this.#namespaces.enqueue(namespace);
  }

  #onChange(change: WatchEvent) {
    if (this.#stopped) return;
    const obj = change.object;
    const { namespace, name } = obj.metadata;
    // Reported first: a binding's write below emits its own change, which must come after this one.
    // Every node tracks the sources; only the lease holder reports changes of other kinds.
    if (obj.kind === "ApiServerSource" || (this.deps.holdsApiServerLease?.() ?? true)) {
      this.apiServer.onChange(change);
    }
    try {
      if (obj.kind === "Service" && change.type !== "DELETED") this.bindings.syncService(obj as Service);
      if (obj.kind === "PingSource" && change.type === "DELETED") this.ping.remove(`${namespace}/${name}`);
      if (obj.kind === "SinkBinding" || (this.#affectsSinks(change) && this.#hasBindings(namespace))) {
        this.bindings.syncNamespace(namespace);
      }
    } catch (err) {
      this.deps.log.warn(`applying sink bindings after ${change.type} ${obj.kind} ${name} failed: ${err}`);
    }
    if (this.#affectsSinks(change) || obj.kind === "Secret" || this.#specChanged(change)) {
      this.markDirty(namespace);
    }
  }

  /** A sink can appear, go, or get (or lose) an address. */
  #affectsSinks(change: WatchEvent): boolean {
    if (change.type !== "MODIFIED") return true;
    return addressOf(change.old) !== addressOf(change.object);
  }

  #specChanged(change: WatchEvent): boolean {
    if (!SOURCE_KINDS.has(change.object.kind)) return false;
    return change.type !== "MODIFIED" ||
      change.old?.metadata.generation !== change.object.metadata.generation;
  }

  #hasBindings(namespace: string): boolean {
    return this.deps.store.list("SinkBinding", namespace).length > 0;
  }

  /** Writes the statuses of a namespace's sources and bindings, and arms its ping timers. */
  reconcile(ns: string) {
    const { store } = this.deps;
    const pings = store.list<PingSource>("PingSource", ns);
    for (const src of pings) {
      this.#write(src, this.statuses.pingStatus(src));
      this.ping.set(`${ns}/${src.metadata.name}`, pingSchedule(src));
    }
    const armed = new Set(pings.map((p) => `${ns}/${p.metadata.name}`));
    for (const key of this.ping.keys()) {
      if (key.startsWith(`${ns}/`) && !armed.has(key)) this.ping.remove(key);
    }
    for (const src of store.list<ApiServerSource>("ApiServerSource", ns)) {
      this.#write(src, this.statuses.apiServerStatus(src));
    }
    for (const src of store.list<GitHubSource>("GitHubSource", ns)) {
      this.#write(src, this.statuses.gitHubStatus(src));
    }
    for (const b of store.list<SinkBinding>("SinkBinding", ns)) this.#write(b, this.bindings.status(b));
  }

  #write(obj: KObject, status: SourceStatus) {
    this.deps.store.updateStatus(obj.kind, obj.metadata.namespace, obj.metadata.name, status);
  }

  async #firePing(key: string, at: Date) {
    const [ns, name] = key.split("/");
    const source = this.deps.store.get<PingSource>("PingSource", ns, name);
    if (!source) return;
    if (this.deps.claimOnce && !await this.deps.claimOnce(`ping/${key}/${at.toISOString()}`)) return;
    const event = makePingEvent(source, crypto.randomUUID(), at);
    const result = await deliverFromSource(
      this.deps.sender,
      this.deps.clock,
      destinationOf(source.spec.sink),
      ns,
      event,
      this.#stop.signal,
    );
    if (result.delivered) return;
    if (!this.#stopped) {
      this.deps.log.warn(`pingsource ${key}: the event of ${at.toISOString()} is lost: ${result.reason}`);
    }
    if (!result.url) this.markDirty(ns);
  }
}

function addressOf(obj: KObject | undefined): string | undefined {
  const status = obj?.status as { address?: { url?: unknown } } | undefined;
  const url = status?.address?.url;
  return typeof url === "string" ? url : undefined;
}
