/**
 * Kubernetes discovery documents built from the kind registry: `/api`, `/apis`, `/apis/{group}`,
 * the APIResourceList of each group-version, and the aggregated discovery (apidiscovery.k8s.io/v2)
 * that kubectl asks for first.
 */
import type { KindInfo } from "../../resources/kinds.ts";
import { kubeKindInfo, singularOf } from "./kube_kinds.ts";

export const AGGREGATED_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

export function wantsAggregated(accept: string | null | undefined): boolean {
  const first = (accept ?? "").split(",")[0];
  return /g=apidiscovery\.k8s\.io/.test(first) && /as=APIGroupDiscoveryList/.test(first) &&
    /v=v2(;|$)/.test(first);
}

export function verbsOf(kind: KindInfo): string[] {
  if (kind.readOnly) return kind.refuseDelete ? ["delete", "get", "list", "watch"] : ["get", "list", "watch"];
  return ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
}

/** Kubernetes' version order: GA before beta before alpha, higher numbers first. */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string) => {
    const m = v.match(/^v(\d+)(?:(alpha|beta)(\d+))?$/);
    if (!m) return [0, 0, 0];
    return [m[2] === undefined ? 3 : m[2] === "beta" ? 2 : 1, Number(m[1]), Number(m[3] ?? 0)];
  };
  const [x, y] = [rank(a), rank(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return y[i] - x[i];
  return a.localeCompare(b);
}

/** group -> its versions, preferred first. */
export function groupVersions(kinds: KindInfo[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const k of kinds) {
    const list = out.get(k.group) ?? [];
    if (!list.includes(k.version)) list.push(k.version);
    out.set(k.group, list);
  }
  for (const list of out.values()) list.sort(compareVersions);
  return out;
}

export function apiVersions() {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1" }],
  };
}

function apiGroup(name: string, versions: string[]) {
  const gv = (version: string) => ({ groupVersion: `${name}/${version}`, version });
  return { name, versions: versions.map(gv), preferredVersion: gv(versions[0]) };
}

export function apiGroupList(kinds: KindInfo[]) {
  const groups = [...groupVersions(kinds)].filter(([g]) => g !== "").sort(([a], [b]) => a.localeCompare(b));
  return { kind: "APIGroupList", apiVersion: "v1", groups: groups.map(([g, vs]) => apiGroup(g, vs)) };
}

export function apiGroupDoc(kinds: KindInfo[], group: string) {
  const versions = groupVersions(kinds).get(group);
  return versions && group !== ""
    ? { kind: "APIGroup", apiVersion: "v1", ...apiGroup(group, versions) }
    : undefined;
}

export function apiResourceList(kinds: KindInfo[], group: string, version: string) {
  const here = kinds.filter((k) => k.group === group && k.version === version);
  if (!here.length) return undefined;
  const resources = here.sort((a, b) => a.plural.localeCompare(b.plural)).flatMap((k) => {
    const info = kubeKindInfo(k);
    const main = {
      name: k.plural,
      singularName: singularOf(k),
      namespaced: !k.clusterScoped,
      kind: k.kind,
      verbs: verbsOf(k),
      ...(info.shortNames.length ? { shortNames: info.shortNames } : {}),
      ...(info.categories.length ? { categories: info.categories } : {}),
    };
    if (!info.statusSubresource) return [main];
    return [main, {
      name: `${k.plural}/status`,
      singularName: "",
      namespaced: !k.clusterScoped,
      kind: k.kind,
      verbs: ["get", "patch", "update"],
    }];
  });
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

/** `core`: the list for `/api` (the core group only); otherwise for `/apis` (every other group). */
export function aggregatedDiscovery(kinds: KindInfo[], core: boolean) {
  const groups = [...groupVersions(kinds)].filter(([g]) => (g === "") === core).sort(([a], [b]) =>
    a.localeCompare(b)
  );
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: "apidiscovery.k8s.io/v2",
    metadata: {},
    items: groups.map(([group, versions]) => ({
      metadata: { name: group },
      versions: versions.map((version) => ({
        version,
        freshness: "Current",
        resources: kinds.filter((k) => k.group === group && k.version === version)
          .sort((a, b) => a.plural.localeCompare(b.plural))
          .map((k) => {
            const info = kubeKindInfo(k);
            const responseKind = { group, version, kind: k.kind };
            return {
              resource: k.plural,
              responseKind,
              scope: k.clusterScoped ? "Cluster" : "Namespaced",
              singularResource: singularOf(k),
              verbs: verbsOf(k),
              ...(info.shortNames.length ? { shortNames: info.shortNames } : {}),
              ...(info.categories.length ? { categories: info.categories } : {}),
              ...(info.statusSubresource
                ? {
                  subresources: [{ subresource: "status", responseKind, verbs: ["get", "patch", "update"] }],
                }
                : {}),
            };
          }),
      })),
    })),
  };
}
