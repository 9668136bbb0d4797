/**
 * Turns store changes into ApiServerSource events: for each change, every source that watches the
 * object gets an event (unless its `filters` drop it), delivered to its sink in the order the
 * changes happened (one queue per source). As Knative's adapter, it reports changes from the
 * moment it starts: objects already stored are not announced.
 */
import type { ResourceStore, WatchEvent } from "../../store/resource_store.ts";
import type { Logger } from "../../log.ts";
import type { Clock } from "../delivery/clock.ts";
import type { EventSender } from "../event_sender.ts";
import { eventAttributes } from "../cloudevents/attributes.ts";
import { compileTriggerFilter, type EventPredicate } from "../filters/mod.ts";
import { type ApiServerSource, filterSpecOf } from "./apiserver_source.ts";
import { makeApiServerEvent, watchesObject } from "./apiserver_events.ts";
import { deliverFromSource } from "./source_delivery.ts";
import { destinationOf } from "./source_spec.ts";

interface Watching {
  source: ApiServerSource;
  accepts: EventPredicate;
}

export interface ApiServerDispatcherDeps {
  store: ResourceStore;
  sender: EventSender;
  clock: Clock;
  log: Logger;
  /** The `source` attribute: the API server's (Denative's admin API's) URL. */
  origin: string;
  now?: () => Date;
  /** Told when a delivery failed because the sink did not resolve (to refresh status). */
  onSinkMissing?: (namespace: string) => void;
}

const key = (s: { metadata: { namespace: string; name: string } }) =>
  `${s.metadata.namespace}/${s.metadata.name}`;

export class ApiServerDispatcher {
  #sources = new Map<string, Watching>();
  #queues = new Map<string, Promise<void>>();
  #stop = new AbortController();
  #running = false;

  constructor(private readonly deps: ApiServerDispatcherDeps) {}

  /** Loads the stored sources and begins reporting changes. */
  start() {
    for (const source of this.deps.store.list<ApiServerSource>("ApiServerSource")) this.#track(source);
    this.#running = true;
  }

  stop() {
    this.#running = false;
    this.#stop.abort();
  }

  /** Resolves once every queued delivery has ended. */
  async idle() {
    while (this.#queues.size > 0) await Promise.all(this.#queues.values());
  }

  onChange(change: WatchEvent) {
    const obj = change.object;
    if (obj.kind === "ApiServerSource") {
      if (change.type === "DELETED") this.#sources.delete(key(obj));
      else this.#track(obj as ApiServerSource);
    }
    if (!this.#running) return;
    const now = (this.deps.now ?? (() => new Date()))();
    for (const [sourceKey, { source, accepts }] of this.#sources) {
      if (!watchesObject(source, obj)) continue;
      const event = makeApiServerEvent(source, change, this.deps.origin, crypto.randomUUID(), now);
      if (!accepts(eventAttributes(event))) continue;
      this.#enqueue(sourceKey, async () => {
        const sink = destinationOf(source.spec.sink);
        const result = await deliverFromSource(
          this.deps.sender,
          this.deps.clock,
          sink,
          source.metadata.namespace,
          event,
          this.#stop.signal,
        );
        if (result.delivered) return;
        this.deps.log.warn(
          `apiserversource ${sourceKey}: ${event.type} for ${event.subject} lost: ${result.reason}`,
        );
        if (!result.url) this.deps.onSinkMissing?.(source.metadata.namespace);
      });
    }
  }

  #track(source: ApiServerSource) {
    let accepts: EventPredicate;
    try {
      accepts = compileTriggerFilter(filterSpecOf(source));
    } catch (err) {
      // Stored sources were validated; a filter that no longer compiles drops everything.
      this.deps.log.warn(`apiserversource ${key(source)}: filters do not compile: ${(err as Error).message}`);
      accepts = () => false;
    }
    this.#sources.set(key(source), { source, accepts });
  }

  #enqueue(sourceKey: string, task: () => Promise<void>) {
    const previous = this.#queues.get(sourceKey) ?? Promise.resolve();
    const next = previous.then(task).catch((err) => {
      this.deps.log.warn(`apiserversource ${sourceKey}: delivery failed: ${(err as Error).message}`);
    });
    this.#queues.set(sourceKey, next);
    next.finally(() => {
      if (this.#queues.get(sourceKey) === next) this.#queues.delete(sourceKey);
    });
  }
}
