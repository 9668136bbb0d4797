/**
 * Reads a Kubernetes API path: discovery documents (`/api`, `/apis/{group}`...) and resource paths
 * (`/apis/{group}/{version}[/namespaces/{ns}]/{plural}[/{name}[/{subresource}]]`, core group at `/api/v1`).
 */

export type ApiPath =
  | { type: "coreVersions" }
  | { type: "groups" }
  | { type: "group"; group: string }
  | { type: "resources"; group: string; version: string }
  | {
    type: "resource";
    group: string;
    version: string;
    /** Undefined: every namespace (or a cluster-scoped kind). */
    namespace?: string;
    plural: string;
    name?: string;
    subresource?: string;
  };

/** `isPlural` tells whether a word names a resource of the group-version (to read `namespaces/x/y`). */
export function parseApiPath(
  pathname: string,
  isPlural: (group: string, version: string, plural: string) => boolean,
): ApiPath | undefined {
  const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api") {
    if (parts.length === 1) return { type: "coreVersions" };
    [group, version, rest] = ["", parts[1], parts.slice(2)];
  } else if (parts[0] === "apis") {
    if (parts.length === 1) return { type: "groups" };
    if (parts.length === 2) return { type: "group", group: parts[1] };
    [group, version, rest] = [parts[1], parts[2], parts.slice(3)];
  } else {
    return undefined;
  }
  if (rest.length === 0) return { type: "resources", group, version };
  if (rest[0] === "namespaces" && rest.length >= 3 && isPlural(group, version, rest[2])) {
    if (rest.length > 5) return undefined;
    return {
      type: "resource",
      group,
      version,
      namespace: rest[1],
      plural: rest[2],
      name: rest[3],
      subresource: rest[4],
    };
  }
  if (rest.length > 3) return undefined;
  return { type: "resource", group, version, plural: rest[0], name: rest[1], subresource: rest[2] };
}
