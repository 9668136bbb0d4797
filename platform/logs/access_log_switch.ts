/**
 * Which Services write access lines: all, unless a Service says
 * `logging.denative.dev/access-log: "false"` (on the Service or its revision template). Read from the
 * store's watch, so the per-request check is a set lookup and a change needs no new revision.
 */
import type { ResourceStore, WatchEvent } from "../store/resource_store.ts";
import type { Service } from "../resources/service.ts";

export const ACCESS_LOG_ANNOTATION = "logging.denative.dev/access-log";

/** Whether a Service document turns its access log off. */
export function accessLogOff(svc: Service): boolean {
  const value = svc.metadata.annotations?.[ACCESS_LOG_ANNOTATION] ??
    svc.spec?.template?.metadata?.annotations?.[ACCESS_LOG_ANNOTATION];
  return value !== undefined && ["false", "off", "no", "0"].includes(value.trim().toLowerCase());
}

export class AccessLogSwitch {
  #off = new Set<string>();
  #unwatch: () => void;

  constructor(store: ResourceStore) {
    for (const svc of store.list<Service>("Service")) this.#note(svc, false);
    this.#unwatch = store.watch((e: WatchEvent) => {
      if (e.object.kind === "Service") this.#note(e.object as Service, e.type === "DELETED");
    });
  }

  on(namespace: string, service: string): boolean {
    // Asked once per request: no key to build while no Service turned its access log off.
    return this.#off.size === 0 || !this.#off.has(`${namespace}/${service}`);
  }

  close() {
    this.#unwatch();
  }

  #note(svc: Service, deleted: boolean) {
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    if (!deleted && accessLogOff(svc)) this.#off.add(key);
    else this.#off.delete(key);
  }
}
