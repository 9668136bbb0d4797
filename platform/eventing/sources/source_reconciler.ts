/**
 * Status of PingSources, ApiServerSources and GitHubSources, as Knative reports it: `sinkUri` and
 * `SinkProvided` (reason `NotFound` when the sink does not resolve), `SecretsProvided` and `url`
 * for GitHubSources, `namespaces` for ApiServerSources, and `Ready` over them all.
 */
import type { ResourceStore } from "../../store/resource_store.ts";
import type { EventSender } from "../event_sender.ts";
import type { KObject } from "../../resources/meta.ts";
import { secretValue } from "../../resources/secret.ts";
import { destinationOf, type Sink } from "./source_spec.ts";
import { type ConditionCheck, sinkCheck, type SourceStatus, sourceStatus } from "./source_status.ts";
import type { PingSource } from "./ping_source.ts";
import type { ApiServerSource } from "./apiserver_source.ts";
import { watchesNamespace } from "./apiserver_events.ts";
import type { GitHubSource } from "./github_source.ts";

export class SourceReconciler {
  constructor(
    private readonly store: ResourceStore,
    private readonly sender: EventSender,
    /** The URL a GitHubSource's webhook is served at. */
    private readonly webhookUrl: (namespace: string, name: string) => string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  pingStatus(source: PingSource): SourceStatus {
    return this.#withSink(source, source.spec.sink, []);
  }

  apiServerStatus(source: ApiServerSource): SourceStatus {
    return this.#withSink(source, source.spec.sink, [], { namespaces: this.#namespaces(source) });
  }

  gitHubStatus(source: GitHubSource): SourceStatus {
    const ref = source.spec.secretToken.secretKeyRef;
    const secret = this.store.get("Secret", source.metadata.namespace, ref.name);
    const secrets: ConditionCheck = !secret
      ? {
        type: "SecretsProvided",
        ok: false,
        reason: "SecretNotFound",
        message: `Secret "${ref.name}" not found`,
      }
      : secretValue(secret, ref.key) === undefined
      ? {
        type: "SecretsProvided",
        ok: false,
        reason: "SecretKeyNotFound",
        message: `Secret "${ref.name}" has no key "${ref.key}"`,
      }
      : { type: "SecretsProvided", ok: true };
    const url = this.webhookUrl(source.metadata.namespace, source.metadata.name);
    return this.#withSink(source, source.spec.sink, [secrets], { url });
  }

  #withSink(
    source: KObject,
    sink: Sink,
    checks: ConditionCheck[],
    extra: Record<string, unknown> = {},
  ): SourceStatus {
    const resolution = this.sender.resolveSink(destinationOf(sink), source.metadata.namespace);
    const previous = source.status as SourceStatus | undefined;
    return sourceStatus(
      previous,
      source.metadata.generation,
      resolution,
      [sinkCheck(resolution), ...checks],
      this.now(),
      extra,
    );
  }

  /** The namespaces watched: the source's own, or those its namespaceSelector matches that hold objects. */
  #namespaces(source: ApiServerSource): string[] {
    if (!source.spec.namespaceSelector) return [source.metadata.namespace];
    const found = new Set<string>();
    for (const r of source.spec.resources) {
      for (const obj of this.store.list(r.kind)) {
        if (watchesNamespace(source, obj.metadata.namespace)) found.add(obj.metadata.namespace);
      }
    }
    return [...found].sort();
  }
}
