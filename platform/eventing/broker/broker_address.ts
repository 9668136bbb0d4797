/**
 * Where a Broker takes events: `http://{host}:{port}/broker/{namespace}/{name}` on the data port.
 * Knative's ingress path is `/{namespace}/{name}` on a dedicated host; Denative shares the data port
 * with functions, so the path carries a `/broker` prefix. The host is the data port's listening
 * address, or 127.0.0.1 when it listens on every interface.
 */
import type { UrlScheme } from "../../serving/builders.ts";

export const BROKER_PATH_PREFIX = "/broker";

/** The host name broker addresses use for a data plane listening on `listenHost`. */
export function ingressHost(listenHost: string | undefined): string {
  if (!listenHost || listenHost === "0.0.0.0" || listenHost === "::" || listenHost === "[::]") {
    return "127.0.0.1";
  }
  return listenHost.includes(":") && !listenHost.startsWith("[") ? `[${listenHost}]` : listenHost;
}

export function brokerAddress(
  namespace: string,
  name: string,
  scheme: UrlScheme,
  listenHost?: string,
): string {
  return `http://${ingressHost(listenHost)}:${scheme.port}${BROKER_PATH_PREFIX}/${namespace}/${name}`;
}
