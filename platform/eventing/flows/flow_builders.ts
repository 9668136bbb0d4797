/**
 * What a Sequence or a Parallel is made of, as Knative builds it: channels of the flow's template
 * kind and Subscriptions between them, named as Knative names them and owned by the flow. Pure:
 * the reconciler applies what these return.
 *
 * Sequence `s`: channel `s-kn-sequence-{i}` per step; subscription `s-kn-sequence-{i}` from channel i
 * to step i, replying to channel i+1 (the last to `spec.reply`).
 * Parallel `p`: ingress channel `p-kn-parallel`; per branch a channel `p-kn-parallel-{i}`, a filter
 * subscription `p-kn-parallel-filter-{i}` (ingress → filter, reply → branch channel; without a
 * filter the event goes straight to the branch channel) and `p-kn-parallel-{i}` (branch channel →
 * subscriber, reply → the branch's reply, else the Parallel's).
 */
import type { KObject } from "../../resources/meta.ts";
import type { Destination } from "../delivery/delivery_spec.ts";
import { MESSAGING_V1 } from "../messaging/channel_resource.ts";
import type { ChannelImplementation } from "../messaging/channel_resource.ts";
import { ownerReference } from "../messaging/messaging_reconciler.ts";
import type { Subscription } from "../messaging/subscription_resource.ts";
import type { Parallel, Sequence } from "./flow_resources.ts";

export interface FlowChildren {
  channels: ChannelImplementation[];
  subscriptions: Subscription[];
}

export const sequenceChannelName = (seq: string, i: number) => `${seq}-kn-sequence-${i}`;
export const parallelIngressName = (par: string) => `${par}-kn-parallel`;
export const parallelBranchName = (par: string, i: number) => `${par}-kn-parallel-${i}`;
export const parallelFilterName = (par: string, i: number) => `${par}-kn-parallel-filter-${i}`;

function channelOf(owner: Sequence | Parallel, name: string): ChannelImplementation {
  const { apiVersion, kind, spec } = owner.spec.channelTemplate;
  return {
    apiVersion,
    kind,
    metadata: { name, namespace: owner.metadata.namespace, ownerReferences: [ownerReference(owner)] },
    spec: { ...(spec ?? {}) },
  };
}

function refTo(channel: ChannelImplementation): Destination {
  return { ref: { apiVersion: channel.apiVersion, kind: channel.kind, name: channel.metadata.name } };
}

function subscriptionOf(
  owner: KObject,
  name: string,
  channel: ChannelImplementation,
  parts: Pick<Subscription["spec"], "subscriber" | "reply" | "delivery">,
): Subscription {
  const spec: Subscription["spec"] = {
    channel: { apiVersion: channel.apiVersion, kind: channel.kind, name: channel.metadata.name },
  };
  if (parts.subscriber) spec.subscriber = parts.subscriber;
  if (parts.reply) spec.reply = parts.reply;
  if (parts.delivery) spec.delivery = parts.delivery;
  return {
    apiVersion: MESSAGING_V1,
    kind: "Subscription",
    metadata: { name, namespace: owner.metadata.namespace, ownerReferences: [ownerReference(owner)] },
    spec,
  };
}

export function sequenceChildren(seq: Sequence): FlowChildren {
  const name = seq.metadata.name;
  const channels = seq.spec.steps.map((_, i) => channelOf(seq, sequenceChannelName(name, i)));
  const subscriptions = seq.spec.steps.map((step, i) => {
    const { delivery, ...subscriber } = step;
    const reply = i + 1 < channels.length ? refTo(channels[i + 1]) : seq.spec.reply;
    return subscriptionOf(seq, sequenceChannelName(name, i), channels[i], { subscriber, reply, delivery });
  });
  return { channels, subscriptions };
}

export function parallelChildren(par: Parallel): FlowChildren {
  const name = par.metadata.name;
  const ingress = channelOf(par, parallelIngressName(name));
  const channels = [ingress];
  const subscriptions: Subscription[] = [];
  par.spec.branches.forEach((branch, i) => {
    const branchChannel = channelOf(par, parallelBranchName(name, i));
    channels.push(branchChannel);
    subscriptions.push(
      subscriptionOf(par, parallelFilterName(name, i), ingress, {
        subscriber: branch.filter,
        reply: refTo(branchChannel),
        delivery: branch.delivery,
      }),
      subscriptionOf(par, parallelBranchName(name, i), branchChannel, {
        subscriber: branch.subscriber,
        reply: branch.reply ?? par.spec.reply,
        delivery: branch.delivery,
      }),
    );
  });
  return { channels, subscriptions };
}
