/**
 * Keeps every Sequence and Parallel made of its channels and subscriptions (created, updated, and
 * those no longer wanted deleted) and its status current. One pass per event-loop turn after any
 * change (the reconcile queue's one key); writes that change nothing are no-ops, so passes settle.
 */
import type { ResourceStore, WatchEvent } from "../../store/resource_store.ts";
import type { KObject } from "../../resources/meta.ts";
import type { Logger } from "../../log.ts";
import { deleteOwned, ownedBy } from "../messaging/messaging_reconciler.ts";
import { isImplementation } from "../messaging/channel_resource.ts";
import { type FlowChildren, parallelChildren, sequenceChildren } from "./flow_builders.ts";
import type { FlowStatus, Parallel, Sequence } from "./flow_resources.ts";
import { parallelStatus, sequenceStatus } from "./flow_status.ts";
import { conditionsOf } from "../messaging/messaging_status.ts";
import { ReconcileQueue, type Reconciler } from "../../reconciler/reconcile_queue.ts";

const WATCHED = new Set([
  "Sequence",
  "Parallel",
  "Subscription",
  "Channel",
  "InMemoryChannel",
  "NatsJetStreamChannel",
]);

export interface FlowsReconcilerDeps {
  store: ResourceStore;
  log: Logger;
  now?: () => Date;
}

/** The one key of the flows reconciler: every pass reconciles every flow. */
const ALL = "flows";

export class FlowsReconciler implements Reconciler {
  #queue: ReconcileQueue;
  #stopped = false;
  #unwatch: () => void = () => {};

  constructor(private readonly deps: FlowsReconcilerDeps) {
    this.#queue = new ReconcileQueue(this, { name: "flows", log: deps.log });
  }

  start() {
    this.#unwatch = this.deps.store.watch((e) => this.#onChange(e));
    this.pass();
  }

  stop() {
    this.#stopped = true;
    this.#unwatch();
    this.#queue.stop();
  }

  reconcile() {
    if (!this.#stopped) this.pass();
  }

  pass() {
    const { store } = this.deps;
    const now = (this.deps.now ?? (() => new Date()))();
    const lookup = <T extends KObject>(w: T) => store.get<T>(w.kind, w.metadata.namespace, w.metadata.name);
    for (const seq of store.list<Sequence>("Sequence")) {
      const children = sequenceChildren(seq);
      const problem = this.#apply(seq, children);
      const status = problem ? this.#failed(seq, problem, now) : sequenceStatus({
        previous: seq.status,
        generation: seq.metadata.generation,
        ...children,
        lookup,
        now,
      });
      store.updateStatus("Sequence", seq.metadata.namespace, seq.metadata.name, status);
    }
    for (const par of store.list<Parallel>("Parallel")) {
      const children = parallelChildren(par);
      const problem = this.#apply(par, children);
      const status = problem ? this.#failed(par, problem, now) : parallelStatus({
        previous: par.status,
        generation: par.metadata.generation,
        ...children,
        lookup,
        now,
      });
      store.updateStatus("Parallel", par.metadata.namespace, par.metadata.name, status);
    }
  }

  #failed(flow: Sequence | Parallel, message: string, now: Date): FlowStatus {
    return {
      observedGeneration: flow.metadata.generation,
      conditions: conditionsOf(flow.status?.conditions, [{
        type: "ChannelsReady",
        ok: false,
        reason: "ChannelTemplateUnsupported",
        message,
      }], now),
    };
  }

  /** Creates or updates the children, deletes owned ones no longer wanted; a problem, or undefined. */
  #apply(flow: Sequence | Parallel, children: FlowChildren): string | undefined {
    const { store } = this.deps;
    const template = flow.spec.channelTemplate;
    if (!isImplementation(template)) {
      return `${template.kind} (${template.apiVersion}) is not a channel kind Denative runs`;
    }
    const wanted = [...children.channels, ...children.subscriptions];
    for (const child of wanted) {
      const existing = store.get(child.kind, child.metadata.namespace, child.metadata.name);
      if (existing && !ownedBy(existing, flow.metadata.uid)) {
        return `${child.kind} "${child.metadata.name}" exists and is not owned by ${flow.kind} "${flow.metadata.name}"`;
      }
    }
    // Subscriptions first, so that one whose channel goes away is gone before the channel.
    const wantedKeys = new Set(wanted.map((c) => `${c.kind}/${c.metadata.name}`));
    for (const kind of ["Subscription", template.kind]) {
      for (const obj of store.list(kind, flow.metadata.namespace)) {
        if (ownedBy(obj, flow.metadata.uid) && !wantedKeys.has(`${kind}/${obj.metadata.name}`)) {
          store.delete(kind, obj.metadata.namespace, obj.metadata.name);
        }
      }
    }
    for (const child of wanted) {
      try {
        store.put(child);
      } catch (err) {
        this.deps.log.error(`${flow.kind} ${flow.metadata.namespace}/${flow.metadata.name}: ${err}`);
      }
    }
    return undefined;
  }

  #onChange(e: WatchEvent) {
    if (this.#stopped || !WATCHED.has(e.object.kind)) return;
    if (e.type === "DELETED") deleteOwned(this.deps.store, e.object);
    this.#queue.enqueue(ALL);
  }
}
