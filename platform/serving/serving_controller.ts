/**
 * Wires the serving reconcilers to the store: each change enqueues the object's own reconcile and
 * its owner's, so status flows up from Revision to Configuration and Route to Service.
 */
import type { WatchEvent } from "../store/resource_store.ts";
import { Labels } from "../resources/serving_kinds.ts";
import { ReconcileQueue, type Reconciler } from "../reconciler/reconcile_queue.ts";
import type { ServingContext } from "./context.ts";
import { reconcileService } from "./service_reconciler.ts";
import { reconcileConfiguration } from "./configuration_reconciler.ts";
import { reconcileRevision } from "./revision_reconciler.ts";
import { reconcileRoute } from "./route_reconciler.ts";
import { sourcesOf } from "./template_sources.ts";
import type { Service } from "../resources/service.ts";

const KINDS = ["Service", "Configuration", "Revision", "Route"] as const;

export class ServingController implements Reconciler {
  readonly queue: ReconcileQueue;
  #unwatch: () => void;

  constructor(private readonly ctx: ServingContext) {
    this.queue = new ReconcileQueue(this, { name: "serving", log: ctx.log.child("serving") });
    this.#unwatch = ctx.store.watch((e) => this.#onChange(e));
  }

  /** Reconciles everything stored (at start, and after a restart). */
  resyncAll() {
    for (const kind of ["Revision", "Configuration", "Route", "Service"] as const) {
      for (const obj of this.ctx.store.list(kind)) {
        this.enqueue(kind, obj.metadata.namespace, obj.metadata.name);
      }
    }
  }

  enqueue(kind: typeof KINDS[number], namespace: string, name: string) {
    this.queue.enqueue(`${kind}/${namespace}/${name}`);
  }

  stop() {
    this.#unwatch();
    this.queue.stop();
  }

  #onChange(e: WatchEvent) {
    const { kind, metadata } = e.object;
    const { namespace, name } = metadata;
    const service = metadata.labels?.[Labels.service];
    switch (kind) {
      case "Service":
        this.enqueue("Service", namespace, name);
        return;
      case "Configuration":
        this.enqueue("Configuration", namespace, name);
        this.enqueue("Route", namespace, name);
        if (service) this.enqueue("Service", namespace, service);
        return;
      case "Revision": {
        this.enqueue("Revision", namespace, name);
        const config = metadata.labels?.[Labels.configuration];
        if (config) this.enqueue("Configuration", namespace, config);
        if (service) this.enqueue("Route", namespace, service);
        return;
      }
      case "Route":
        this.enqueue("Route", namespace, name);
        if (service) this.enqueue("Service", namespace, service);
        return;
      case "Secret":
      case "ConfigMap":
        // Services that read it get a new Revision (see template_sources.ts).
        for (const svc of this.ctx.store.list<Service>("Service", namespace)) {
          const sources = sourcesOf(svc.spec.template);
          if ((kind === "Secret" ? sources.secrets : sources.configMaps).includes(name)) {
            this.enqueue("Service", namespace, svc.metadata.name);
          }
        }
        return;
    }
  }

  reconcile(key: string): Promise<void> {
    const [kind, namespace, name] = key.split("/");
    switch (kind) {
      case "Service":
        reconcileService(this.ctx, namespace, name);
        return Promise.resolve();
      case "Configuration":
        reconcileConfiguration(this.ctx, namespace, name);
        return Promise.resolve();
      case "Route":
        reconcileRoute(this.ctx, namespace, name);
        return Promise.resolve();
      case "Revision":
        return reconcileRevision(this.ctx, namespace, name);
    }
    return Promise.resolve();
  }
}
