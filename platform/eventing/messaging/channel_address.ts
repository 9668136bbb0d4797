/**
 * Where a channel takes events: `http://{host}:{port}/channel/{namespace}/{name}` on the data port
 * (a Channel and the implementation backing it share the name, hence the address).
 */
import type { UrlScheme } from "../../serving/builders.ts";
import { ingressHost } from "../broker/broker_address.ts";

export const CHANNEL_PATH_PREFIX = "/channel";

export function channelAddress(
  namespace: string,
  name: string,
  scheme: UrlScheme,
  listenHost?: string,
): string {
  return `http://${ingressHost(listenHost)}:${scheme.port}${CHANNEL_PATH_PREFIX}/${namespace}/${name}`;
}
