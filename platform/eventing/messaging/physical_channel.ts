/**
 * Which channel implementation a reference reaches: a reference to a generic Channel reaches the
 * object its `channelTemplate` names (same name and namespace); a reference to an implementation
 * reaches itself. Pure over a lookup, so the index and the status code share one answer.
 */
import type { Channel, ChannelKind } from "./channel_resource.ts";
import { isImplementation, MESSAGING_V1 } from "./channel_resource.ts";
import type { ChannelReference } from "./subscription_resource.ts";

export interface PhysicalChannel extends ChannelKind {
  namespace: string;
  name: string;
}

export type ChannelLookup = (kind: string, namespace: string, name: string) => Channel | undefined;

/** The implementation behind `ref`, or why there is none. */
export function physicalChannel(
  ref: ChannelReference,
  namespace: string,
  lookupChannel: ChannelLookup,
): PhysicalChannel | { error: string } {
  const ns = ref.namespace ?? namespace;
  if (ref.kind === "Channel" && ref.apiVersion === MESSAGING_V1) {
    const channel = lookupChannel("Channel", ns, ref.name);
    if (!channel) return { error: `Channel "${ref.name}" in namespace "${ns}" does not exist` };
    const { apiVersion, kind } = channel.spec.channelTemplate;
    if (!isImplementation({ apiVersion, kind })) {
      return {
        error: `Channel "${ref.name}" is backed by ${kind} (${apiVersion}), which Denative does not run`,
      };
    }
    return { apiVersion, kind, namespace: ns, name: ref.name };
  }
  if (!isImplementation(ref)) {
    return { error: `${ref.kind} (${ref.apiVersion}) is not a channel kind Denative runs` };
  }
  return { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ns, name: ref.name };
}

export function channelKey(c: { kind: string; namespace: string; name: string }): string {
  return `${c.kind}/${c.namespace}/${c.name}`;
}
