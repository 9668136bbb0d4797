/**
 * Where a RabbitMQ reference connects, without Kubernetes. eventing-rabbitmq points at a
 * RabbitmqCluster (the Cluster Operator's resource, with its generated `{name}-default-user` Secret)
 * or at a `connectionSecret` for an outside broker. Denative maps both onto a Secret:
 * - `rabbitmqClusterReference.connectionSecret.name: S` reads Secret `S` in the source's namespace;
 * - `rabbitmqClusterReference.name: C` (and `namespace`) reads Secret `C` in that namespace (the
 *   source's when none is given).
 * The Secret's `uri` key is an AMQP URI (`amqp://guest:guest@127.0.0.1:5672`) or, as in
 * eventing-rabbitmq's outside-cluster Secrets, a host, with `port` (default 5672), `username` and
 * `password` keys. `vhost` goes into the URI's path. Pure over a Secret lookup.
 */
import type { KObject } from "../resources/meta.ts";
import { secretValue } from "../resources/secret.ts";

export type SecretLookup = (namespace: string, name: string) => KObject | undefined;

export interface ClusterReference {
  name?: string;
  namespace?: string;
  connectionSecret?: { name: string };
}

/** The AMQP URI, or why there is none. */
export function rabbitmqUri(
  ref: ClusterReference,
  namespace: string,
  vhost: string | undefined,
  lookup: SecretLookup,
): { uri: string } | { error: string } {
  const secretNs = ref.connectionSecret ? namespace : ref.namespace || namespace;
  const secretName = ref.connectionSecret?.name ?? ref.name ?? "";
  const secret = lookup(secretNs, secretName);
  if (!secret) {
    return {
      error:
        `the Secret "${secretName}" in namespace "${secretNs}" (the connection of the reference) does not exist`,
    };
  }
  const raw = secretValue(secret, "uri")?.trim();
  if (!raw) return { error: `the Secret "${secretName}" has no "uri" key` };
  const username = secretValue(secret, "username");
  const password = secretValue(secret, "password");
  const withScheme = /^amqps?:\/\//i.test(raw)
    ? raw
    : `amqp://${raw.replace(/^https?:\/\//i, "").replace(/\/.*$/, "")}`;
  if (!URL.canParse(withScheme)) {
    return { error: `the Secret "${secretName}" key "uri" is not an AMQP URI or a host` };
  }
  const url = new URL(withScheme);
  const port = secretValue(secret, "port")?.trim();
  if (!url.port && port) url.port = port;
  if (!url.username && username) url.username = encodeURIComponent(username);
  if (!url.password && password) url.password = encodeURIComponent(password);
  if (vhost) url.pathname = `/${encodeURIComponent(vhost)}`;
  return { uri: url.href };
}
