/**
 * The triggers of every broker, with their filters compiled once: which triggers an event goes to
 * is decided here, by broker, without parsing anything per event. Triggers are identified by uid,
 * so a trigger deleted and created again under the same name is a new subscriber.
 */
import { eventAttributes } from "../cloudevents/attributes.ts";
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import { compileTriggerFilter, type EventPredicate } from "../filters/compile_filter.ts";
import { TTL_EXTENSION } from "./broker_ttl.ts";
import type { Trigger } from "./trigger_resource.ts";

export interface IndexedTrigger {
  uid: string;
  namespace: string;
  name: string;
  broker: string;
  matches: EventPredicate;
  trigger: Trigger;
}

export class TriggerIndex {
  #byUid = new Map<string, IndexedTrigger>();
  #byBroker = new Map<string, IndexedTrigger[]>();

  /** Adds or replaces a trigger; returns the entry, or throws when its filters do not compile. */
  upsert(trigger: Trigger): IndexedTrigger {
    const uid = trigger.metadata.uid;
    if (!uid) throw new Error(`trigger "${trigger.metadata.name}" has no uid`);
    const entry: IndexedTrigger = {
      uid,
      namespace: trigger.metadata.namespace,
      name: trigger.metadata.name,
      broker: trigger.spec.broker,
      matches: compileTriggerFilter(trigger.spec),
      trigger,
    };
    this.remove(uid);
    this.#byUid.set(uid, entry);
    const key = brokerKey(entry.namespace, entry.broker);
    this.#byBroker.set(key, [...(this.#byBroker.get(key) ?? []), entry]);
    return entry;
  }

  remove(uid: string): IndexedTrigger | undefined {
    const old = this.#byUid.get(uid);
    if (!old) return undefined;
    this.#byUid.delete(uid);
    const key = brokerKey(old.namespace, old.broker);
    const rest = (this.#byBroker.get(key) ?? []).filter((t) => t.uid !== uid);
    if (rest.length) this.#byBroker.set(key, rest);
    else this.#byBroker.delete(key);
    return old;
  }

  get(uid: string): IndexedTrigger | undefined {
    return this.#byUid.get(uid);
  }

  byName(namespace: string, name: string): IndexedTrigger | undefined {
    for (const t of this.#byUid.values()) if (t.namespace === namespace && t.name === name) return t;
    return undefined;
  }

  ofBroker(namespace: string, broker: string): readonly IndexedTrigger[] {
    return this.#byBroker.get(brokerKey(namespace, broker)) ?? [];
  }

  all(): IterableIterator<IndexedTrigger> {
    return this.#byUid.values();
  }

  /** The uids of the broker's triggers whose filters pass the event (its broker TTL not considered). */
  matching(namespace: string, broker: string, event: CloudEvent): string[] {
    const triggers = this.ofBroker(namespace, broker);
    if (triggers.length === 0) return [];
    const { [TTL_EXTENSION]: _, ...attributes } = eventAttributes(event);
    const uids: string[] = [];
    for (const t of triggers) if (t.matches(attributes)) uids.push(t.uid);
    return uids;
  }
}

function brokerKey(namespace: string, broker: string): string {
  return `${namespace}/${broker}`;
}
