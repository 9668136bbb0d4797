/**
 * Which store changes an ApiServerSource reports, and the CloudEvents it makes of them, as
 * Knative's adapter does: types `dev.knative.apiserver.resource.add|update|delete` with the object
 * as data (Resource mode) or `dev.knative.apiserver.ref.add|update|delete` with a reference
 * (Reference mode); subject the object's self link; extensions `apiversion`, `kind`, `name`,
 * `namespace`; source the API server's URL (Denative's admin API). Pure: ids and time are given.
 */
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import type { KObject } from "../../resources/meta.ts";
import type { WatchEvent } from "../../store/resource_store.ts";
import { presentSecret } from "../../resources/secret.ts";
import { type ApiServerSource, RESOURCE_MODE } from "./apiserver_source.ts";
import { matchesSelector } from "./label_selector.ts";

export const APISERVER_EVENT_PREFIX = "dev.knative.apiserver";

const VERBS: Record<WatchEvent["type"], string> = { ADDED: "add", MODIFIED: "update", DELETED: "delete" };

/**
 * The namespaces a source watches: its own, or with a `namespaceSelector`, every namespace whose
 * labels match. Denative's namespaces carry no labels, so an empty selector (`{}`) means all of
 * them and a selector that requires labels matches none.
 */
export function watchesNamespace(source: ApiServerSource, namespace: string): boolean {
  const selector = source.spec.namespaceSelector;
  if (!selector) return namespace === source.metadata.namespace;
  return matchesSelector(selector, {});
}

/** Whether `obj` is one of the source's resources (apiVersion, kind, selector) and owner filter. */
export function watchesObject(source: ApiServerSource, obj: KObject): boolean {
  if (!watchesNamespace(source, obj.metadata.namespace)) return false;
  const listed = source.spec.resources.some((r) =>
    r.apiVersion === obj.apiVersion && r.kind === obj.kind &&
    (!r.selector || matchesSelector(r.selector, obj.metadata.labels))
  );
  if (!listed) return false;
  const owner = source.spec.owner;
  if (!owner) return true;
  return (obj.metadata.ownerReferences ?? []).some((ref) =>
    ref.controller === true && ref.apiVersion === owner.apiVersion && ref.kind === owner.kind
  );
}

/** Kubernetes' guess of a kind's resource name (its plural, lower case), as Knative's self links use. */
export function guessResource(kind: string): string {
  const lower = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** `/apis/{apiVersion}/namespaces/{ns}/{resource}/{name}`, Knative's subject for these events. */
export function selfLink(obj: KObject): string {
  const { namespace, name } = obj.metadata;
  return `/apis/${obj.apiVersion}/namespaces/${namespace}/${guessResource(obj.kind)}/${name}`;
}

/** The event for one store change (the object after an update, the last state for a delete). */
export function makeApiServerEvent(
  source: ApiServerSource,
  change: WatchEvent,
  origin: string,
  id: string,
  now: Date,
): CloudEvent {
  const obj = change.object;
  const resourceMode = source.spec.mode === RESOURCE_MODE;
  const data = resourceMode
    ? (obj.kind === "Secret" && obj.apiVersion === "v1" ? presentSecret(obj) : obj)
    : {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
    };
  return {
    specversion: "1.0",
    id,
    type: `${APISERVER_EVENT_PREFIX}.${resourceMode ? "resource" : "ref"}.${VERBS[change.type]}`,
    source: origin,
    subject: selfLink(obj),
    time: now.toISOString(),
    datacontenttype: "application/json",
    extensions: {
      apiversion: obj.apiVersion,
      kind: obj.kind,
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      // Knative applies ceOverrides last, on every event the source sends.
      ...source.spec.ceOverrides?.extensions,
    },
    data,
  };
}
