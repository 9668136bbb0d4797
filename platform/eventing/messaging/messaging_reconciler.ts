/**
 * Keeps channels and subscriptions current: each Channel gets its backing channel (the kind its
 * template names, same name, owned by the Channel, the Channel's `delivery` passed on), which goes
 * when the Channel goes; every channel implementation, Channel and Subscription gets its status.
 * Works in passes, the reconcile queue's one key (`ALL`): any change enqueues it, and one pass per
 * event-loop turn rebuilds the subscription index and writes what changed (status writes that change
 * nothing are no-ops, so passes settle).
 */
import type { ResourceStore, WatchEvent } from "../../store/resource_store.ts";
import type { KObject } from "../../resources/meta.ts";
import type { Logger } from "../../log.ts";
import {
  type Channel,
  CHANNEL_IMPLEMENTATIONS,
  type ChannelImplementation,
  isImplementation,
  MESSAGING_V1,
  type SubscriberStatus,
} from "./channel_resource.ts";
import { channelAddress } from "./channel_address.ts";
import { channelStatus, type Check, implementationStatus, subscriptionStatus } from "./messaging_status.ts";
import { physicalChannel } from "./physical_channel.ts";
import type { Subscription } from "./subscription_resource.ts";
import type { SubscriptionIndex } from "./subscription_index.ts";
import type { SubscriptionDelivery } from "./subscription_delivery.ts";
import type { UrlScheme } from "../../serving/builders.ts";
import { ReconcileQueue, type Reconciler } from "../../reconciler/reconcile_queue.ts";

/** Changes to these kinds never change where events go. */
const IRRELEVANT_KINDS = new Set(["Revision", "Configuration", "Route"]);

export interface MessagingReconcilerDeps {
  store: ResourceStore;
  index: SubscriptionIndex;
  delivery: SubscriptionDelivery;
  scheme: UrlScheme;
  listenHost?: string;
  /** The connection check of implementations that have a server (NATS); none for InMemoryChannel. */
  connectionOf?: (kind: string, namespace: string, name: string) => Check | undefined;
  /** A subscription was deleted (its undelivered events can go). */
  subscriptionDeleted?: (uid: string, subscription: Subscription) => void;
  /** Called after each pass (implementations follow the index). */
  afterPass?: () => void;
  log: Logger;
  now?: () => Date;
}

/** The one key of the messaging reconciler: every pass reconciles everything. */
const ALL = "messaging";

export class MessagingReconciler implements Reconciler {
  #queue: ReconcileQueue;
  #unwatch: () => void = () => {};
  #stopped = false;

  constructor(private readonly deps: MessagingReconcilerDeps) {
    this.#queue = new ReconcileQueue(this, { name: "messaging", log: deps.log });
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

  /** Asks for a pass in the next turn (e.g. an implementation's connection changed). */
  touch() {
    this.#queue.enqueue(ALL);
  }

  reconcile() {
    if (!this.#stopped) this.pass();
  }

  /** One reconcile of everything (synchronous). */
  pass() {
    const { store } = this.deps;
    for (const channel of store.list<Channel>("Channel")) this.#ensureBacking(channel);
    this.deps.index.rebuild();
    this.deps.delivery.invalidate();
    const now = (this.deps.now ?? (() => new Date()))();
    const subscriberStatus = new Map<string, SubscriberStatus[]>();
    for (const sub of store.list<Subscription>("Subscription")) {
      const status = this.#subscriptionStatus(sub, now);
      const ready = status.conditions?.find((c) => c.type === "Resolved");
      const channel = physicalChannel(
        sub.spec.channel,
        sub.metadata.namespace,
        (k, ns, n) => store.get(k, ns, n),
      );
      if (!("error" in channel) && sub.metadata.uid) {
        const key = `${channel.kind}/${channel.namespace}/${channel.name}`;
        const entry: SubscriberStatus = {
          uid: sub.metadata.uid,
          observedGeneration: sub.metadata.generation,
          ready: ready?.status ?? "Unknown",
        };
        if (ready?.message) entry.message = ready.message;
        subscriberStatus.set(key, [...(subscriberStatus.get(key) ?? []), entry]);
      }
    }
    for (const { kind } of CHANNEL_IMPLEMENTATIONS) {
      for (const ch of store.list<ChannelImplementation>(kind)) {
        const { namespace, name } = ch.metadata;
        const policyDls = ch.spec?.delivery?.deadLetterSink;
        const dls = policyDls ? this.deps.delivery.resolveDestination(policyDls, namespace) : undefined;
        store.updateStatus(
          kind,
          namespace,
          name,
          implementationStatus({
            previous: ch.status,
            generation: ch.metadata.generation,
            address: channelAddress(namespace, name, this.deps.scheme, this.deps.listenHost),
            subscribers: subscriberStatus.get(`${kind}/${namespace}/${name}`) ?? [],
            deadLetterSinkUri: dls && "url" in dls ? dls.url : undefined,
            connection: this.deps.connectionOf?.(kind, namespace, name),
            now,
          }),
        );
      }
    }
    for (const channel of store.list<Channel>("Channel")) {
      const { namespace, name } = channel.metadata;
      const template = channel.spec.channelTemplate;
      const backing = isImplementation(template)
        ? store.get<ChannelImplementation>(template.kind, namespace, name) ??
          `the backing ${template.kind} "${name}" does not exist yet`
        : `${template.kind} (${template.apiVersion}) is not a channel kind Denative runs`;
      store.updateStatus(
        "Channel",
        namespace,
        name,
        channelStatus({ previous: channel.status, generation: channel.metadata.generation, backing, now }),
      );
    }
    // Subscriptions last, so that they see their channel's fresh status.
    for (const sub of store.list<Subscription>("Subscription")) {
      store.updateStatus(
        "Subscription",
        sub.metadata.namespace,
        sub.metadata.name,
        this.#subscriptionStatus(sub, now),
      );
    }
    this.deps.afterPass?.();
  }

  #subscriptionStatus(sub: Subscription, now: Date) {
    const { store } = this.deps;
    const ns = sub.metadata.namespace;
    const physical = physicalChannel(sub.spec.channel, ns, (k, n, name) => store.get(k, n, name));
    let channel: { ready: boolean; message?: string } | { error: string };
    if ("error" in physical) channel = physical;
    else {
      const obj = store.get<ChannelImplementation>(physical.kind, physical.namespace, physical.name);
      if (!obj) {
        channel = {
          error: `${physical.kind} "${physical.name}" in namespace "${physical.namespace}" does not exist`,
        };
      } else {
        const ready = obj.status?.conditions?.find((c) => c.type === "Ready");
        channel = { ready: ready?.status === "True", message: ready?.message };
      }
    }
    const indexed = sub.metadata.uid ? this.deps.index.get(sub.metadata.uid) : undefined;
    const resolved = indexed ? this.deps.delivery.resolve(indexed) : this.deps.delivery.resolveSpec(sub);
    return subscriptionStatus({
      previous: sub.status,
      generation: sub.metadata.generation,
      channel,
      subscriber: resolved.subscriber,
      reply: resolved.reply,
      deadLetter: resolved.deadLetter,
      now,
    });
  }

  /** Creates or updates a Channel's backing channel (owned by it). */
  #ensureBacking(channel: Channel) {
    const template = channel.spec.channelTemplate;
    if (!isImplementation(template)) return;
    const { namespace, name, uid } = channel.metadata;
    const existing = this.deps.store.get<ChannelImplementation>(template.kind, namespace, name);
    if (existing && !ownedBy(existing, uid)) return; // a user's own channel of that name: leave it
    const spec: Record<string, unknown> = { ...(template.spec ?? {}) };
    if (channel.spec.delivery) spec.delivery = channel.spec.delivery;
    const backing: ChannelImplementation = {
      apiVersion: template.apiVersion,
      kind: template.kind,
      metadata: {
        name,
        namespace,
        ...(existing?.metadata.annotations ? { annotations: existing.metadata.annotations } : {}),
        ownerReferences: [ownerReference(channel)],
      },
      spec,
    };
    try {
      this.deps.store.put(backing);
    } catch (err) {
      this.deps.log.error(`channel ${namespace}/${name}: creating its ${template.kind} failed: ${err}`);
    }
  }

  #onChange(e: WatchEvent) {
    if (this.#stopped) return;
    const obj = e.object;
    if (IRRELEVANT_KINDS.has(obj.kind)) return;
    if (e.type === "DELETED") {
      if (obj.kind === "Subscription" && obj.metadata.uid) {
        this.deps.delivery.forget(obj.metadata.uid);
        this.deps.subscriptionDeleted?.(obj.metadata.uid, obj as Subscription);
      }
      deleteOwned(this.deps.store, obj);
    }
    this.touch();
  }
}

export function ownerReference(owner: KObject) {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function ownedBy(obj: KObject, uid: string | undefined): boolean {
  return uid !== undefined && (obj.metadata.ownerReferences ?? []).some((r) => r.uid === uid);
}

/** Kubernetes' garbage collection for what channels and flows create: owned objects follow their owner. */
const OWNED_KINDS = ["Channel", "Subscription", ...CHANNEL_IMPLEMENTATIONS.map((k) => k.kind)];
export function deleteOwned(store: ResourceStore, owner: KObject) {
  const uid = owner.metadata.uid;
  if (!uid || !["Channel", "Sequence", "Parallel"].includes(owner.kind)) return;
  for (const kind of OWNED_KINDS) {
    for (const obj of store.list(kind, owner.metadata.namespace)) {
      if (ownedBy(obj, uid)) store.delete(kind, obj.metadata.namespace, obj.metadata.name);
    }
  }
}

export { MESSAGING_V1 };
