/**
 * The subscriptions of each channel implementation, rebuilt from the store whenever a channel or
 * subscription changes (there are few of them; a rebuild is a list and a loop).
 */
import type { ResourceStore } from "../../store/resource_store.ts";
import type { Channel } from "./channel_resource.ts";
import { channelKey, type PhysicalChannel, physicalChannel } from "./physical_channel.ts";
import type { Subscription } from "./subscription_resource.ts";

export interface IndexedSubscription {
  uid: string;
  namespace: string;
  name: string;
  subscription: Subscription;
  channel: PhysicalChannel;
}

export class SubscriptionIndex {
  #byChannel = new Map<string, IndexedSubscription[]>();
  #byUid = new Map<string, IndexedSubscription>();

  constructor(private readonly store: ResourceStore) {}

  rebuild() {
    this.#byChannel.clear();
    this.#byUid.clear();
    const lookup = (kind: string, ns: string, name: string) => this.store.get<Channel>(kind, ns, name);
    for (const sub of this.store.list<Subscription>("Subscription")) {
      const uid = sub.metadata.uid;
      if (!uid) continue;
      const channel = physicalChannel(sub.spec.channel, sub.metadata.namespace, lookup);
      if ("error" in channel) continue;
      const entry = {
        uid,
        namespace: sub.metadata.namespace,
        name: sub.metadata.name,
        subscription: sub,
        channel,
      };
      this.#byUid.set(uid, entry);
      const key = channelKey(channel);
      this.#byChannel.set(key, [...(this.#byChannel.get(key) ?? []), entry]);
    }
  }

  of(channel: { kind: string; namespace: string; name: string }): IndexedSubscription[] {
    return this.#byChannel.get(channelKey(channel)) ?? [];
  }

  get(uid: string): IndexedSubscription | undefined {
    return this.#byUid.get(uid);
  }
}
