/**
 * Applies SinkBindings to Services in the store: each Service gets the env of the first binding
 * (by name) that targets it and whose sink resolves, or loses the variables a binding had set.
 * It runs synchronously inside the store's watch callback, so a Service written without the
 * variables (a redeploy) is corrected before the serving controller reads it, and no revision
 * without them is made.
 */
import type { ResourceStore } from "../../store/resource_store.ts";
import type { Service } from "../../resources/service.ts";
import type { Logger } from "../../log.ts";
import type { EventSender } from "../event_sender.ts";
import { destinationOf } from "./source_spec.ts";
import {
  type BindingEnv,
  bindsService,
  BOUND_BY_ANNOTATION,
  ceOverridesValue,
  type SinkBinding,
  subjectSupported,
  withBindingEnv,
} from "./sink_binding.ts";
import { type ConditionCheck, sinkCheck, type SourceStatus, sourceStatus } from "./source_status.ts";

export class SinkBindingReconciler {
  constructor(
    private readonly store: ResourceStore,
    private readonly sender: EventSender,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
    private readonly reachableUrl: (url: string) => string = (url) => url,
  ) {}

  /** What the bindings of the Service's namespace want in its env. */
  desiredFor(service: Service): BindingEnv | undefined {
    const bindings = this.store.list<SinkBinding>("SinkBinding", service.metadata.namespace);
    for (const binding of bindings) {
      if (!bindsService(binding, service)) continue;
      const resolved = this.sender.resolveSink(destinationOf(binding.spec.sink), binding.metadata.namespace);
      // As Knative's binding: without a resolvable sink the subject gets no K_SINK.
      if ("error" in resolved) return undefined;
      return {
        binding: binding.metadata.name,
        sinkUrl: this.reachableUrl(resolved.url),
        ceOverrides: ceOverridesValue(binding.spec.ceOverrides),
      };
    }
    return undefined;
  }

  /** Brings one Service's env in line with the bindings; returns true when it wrote. */
  syncService(service: Service): boolean {
    // The stored object, not a watch event's copy, which a nested write may have overtaken.
    const current = this.store.get<Service>("Service", service.metadata.namespace, service.metadata.name);
    if (!current) return false;
    const next = withBindingEnv(current, this.desiredFor(current));
    if (!next) return false;
    this.log.info(
      `${next.metadata.annotations?.[BOUND_BY_ANNOTATION] ? "binding" : "unbinding"} ` +
        `service ${service.metadata.namespace}/${service.metadata.name}`,
    );
    this.store.put(next);
    return true;
  }

  /** Every Service of a namespace. */
  syncNamespace(namespace: string) {
    for (const service of this.store.list<Service>("Service", namespace)) this.syncService(service);
  }

  /** The binding's status: the sink, and whether its subject can be and is bound. */
  status(binding: SinkBinding): SourceStatus {
    const { namespace } = binding.metadata;
    const resolution = this.sender.resolveSink(destinationOf(binding.spec.sink), namespace);
    const checks: ConditionCheck[] = [sinkCheck(resolution, "NoAddressable"), this.#subjectCheck(binding)];
    return sourceStatus(binding.status, binding.metadata.generation, resolution, checks, this.now());
  }

  #subjectCheck(binding: SinkBinding): ConditionCheck {
    const type = "SinkBindingAvailable";
    const { apiVersion, kind, name } = binding.spec.subject;
    if (!subjectSupported(binding)) {
      return {
        type,
        ok: false,
        reason: "SubjectNotSupported",
        message: `only Knative Services (serving.knative.dev/v1 Service) can be subjects in Denative, ` +
          `not ${apiVersion} ${kind}`,
      };
    }
    if (name && !this.store.get("Service", binding.metadata.namespace, name)) {
      return { type, ok: false, reason: "SubjectMissing", message: `Service "${name}" does not exist` };
    }
    return { type, ok: true };
  }
}
