/**
 * Which Service (and traffic tag) a Host header names: `{service}.{namespace}.{domain}` or
 * `{tag}-{service}.{namespace}.{domain}`. Service names may contain '-', so a tag is only split
 * off when the rest names an existing Service.
 */
export interface HostTarget {
  service: string;
  namespace: string;
  tag?: string;
}

export function matchHost(
  hostHeader: string,
  domain: string,
  exists: (namespace: string, service: string) => boolean,
): HostTarget | null {
  const host = stripPort(hostHeader).toLowerCase();
  const suffix = `.${domain.toLowerCase()}`;
  if (!host.endsWith(suffix)) return null;
  const labels = host.slice(0, -suffix.length).split(".");
  if (labels.length !== 2) return null;
  const [first, namespace] = labels;
  if (exists(namespace, first)) return { service: first, namespace };
  for (let i = first.indexOf("-"); i > 0; i = first.indexOf("-", i + 1)) {
    const service = first.slice(i + 1);
    if (exists(namespace, service)) return { service, namespace, tag: first.slice(0, i) };
  }
  return null;
}

function stripPort(host: string): string {
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.lastIndexOf(":");
  return colon >= 0 ? host.slice(0, colon) : host;
}
