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

/**
 * matchHost's answers by Host header, kept while the Services are the same (`version`): a client
 * sends the same Host on every request, and matching it again was a visible share of the hot path.
 * Bounded: a flood of made-up Hosts only empties it.
 */
export class HostMatchCache {
  #answers = new Map<string, HostTarget | null>();
  #version = -1;

  constructor(
    private readonly domain: string,
    private readonly exists: (namespace: string, service: string) => boolean,
    private readonly maxEntries = 1024,
  ) {}

  match(hostHeader: string, version: number): HostTarget | null {
    if (version !== this.#version) {
      this.#answers.clear();
      this.#version = version;
    }
    let answer = this.#answers.get(hostHeader);
    if (answer === undefined) {
      answer = matchHost(hostHeader, this.domain, this.exists);
      if (this.#answers.size >= this.maxEntries) this.#answers.clear();
      this.#answers.set(hostHeader, answer);
    }
    return answer;
  }
}
