/**
 * Sequence and Parallel statuses as Knative writes them, as pure functions of their children:
 * each channel's and subscription's Ready condition (`channelStatuses`, `subscriptionStatuses`;
 * Parallel: `ingressChannelStatus`, `branchStatuses`), the address of the first (Sequence) or the
 * ingress (Parallel) channel, and `ChannelsReady`, `SubscriptionsReady`, `AddressResolvable`, `Ready`.
 */
import type { Condition, KObject } from "../../resources/meta.ts";
import { type Check, conditionsOf } from "../messaging/messaging_status.ts";
import type { ChannelImplementation } from "../messaging/channel_resource.ts";
import type { Subscription } from "../messaging/subscription_resource.ts";
import type { FlowStatus } from "./flow_resources.ts";

interface ObjectReference {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
}

interface ChildStatus {
  ref: ObjectReference;
  ready: Condition;
}

const UNKNOWN = (message: string): Condition => ({ type: "Ready", status: "Unknown", message });

/** A child as found in the store (or undefined when it is not there yet). */
function childStatus(wanted: KObject, found: KObject | undefined): ChildStatus {
  const ref = {
    apiVersion: wanted.apiVersion,
    kind: wanted.kind,
    name: wanted.metadata.name,
    namespace: wanted.metadata.namespace,
  };
  const ready = found?.status?.conditions?.find((c) => c.type === "Ready");
  return { ref, ready: ready ?? UNKNOWN(found ? "not reconciled yet" : "not created yet") };
}

function allReady(type: string, children: ChildStatus[], what: string): Check {
  const failing = children.find((c) => c.ready.status !== "True");
  return failing
    ? {
      type,
      ok: false,
      reason: `${what}NotReady`,
      message: `${failing.ref.kind} "${failing.ref.name}" is not ready${
        failing.ready.message ? `: ${failing.ready.message}` : ""
      }`,
    }
    : { type, ok: true };
}

function addressCheck(first: ChannelImplementation | undefined): { check: Check; url?: string } {
  const url = first?.status?.address?.url;
  return url ? { check: { type: "AddressResolvable", ok: true }, url } : {
    check: {
      type: "AddressResolvable",
      ok: false,
      reason: "EmptyAddress",
      message: "the first channel has no address yet",
    },
  };
}

export type Lookup = <T extends KObject>(wanted: T) => T | undefined;

const channelEntry = (s: ChildStatus) => ({ channel: s.ref, ready: s.ready });
const subscriptionEntry = (s: ChildStatus) => ({ subscription: s.ref, ready: s.ready });

export function sequenceStatus(input: {
  previous: FlowStatus | undefined;
  generation: number | undefined;
  channels: ChannelImplementation[];
  subscriptions: Subscription[];
  lookup: Lookup;
  now: Date;
}): FlowStatus {
  const channels = input.channels.map((c) => childStatus(c, input.lookup(c)));
  const subscriptions = input.subscriptions.map((s) => childStatus(s, input.lookup(s)));
  const address = addressCheck(input.channels[0] && input.lookup(input.channels[0]));
  const status: FlowStatus = {
    observedGeneration: input.generation,
    conditions: conditionsOf(input.previous?.conditions, [
      allReady("ChannelsReady", channels, "Channels"),
      allReady("SubscriptionsReady", subscriptions, "Subscriptions"),
      address.check,
    ], input.now),
    channelStatuses: channels.map(channelEntry),
    subscriptionStatuses: subscriptions.map(subscriptionEntry),
  };
  if (address.url) status.address = { url: address.url };
  return status;
}

/** `channels`: the ingress channel first, then one per branch; `subscriptions`: filter, subscriber per branch. */
export function parallelStatus(input: {
  previous: FlowStatus | undefined;
  generation: number | undefined;
  channels: ChannelImplementation[];
  subscriptions: Subscription[];
  lookup: Lookup;
  now: Date;
}): FlowStatus {
  const channels = input.channels.map((c) => childStatus(c, input.lookup(c)));
  const subscriptions = input.subscriptions.map((s) => childStatus(s, input.lookup(s)));
  const address = addressCheck(input.lookup(input.channels[0]));
  const [ingress, ...branchChannels] = channels;
  const status: FlowStatus = {
    observedGeneration: input.generation,
    conditions: conditionsOf(input.previous?.conditions, [
      allReady("IngressChannelReady", [ingress], "IngressChannel"),
      allReady("ChannelsReady", channels, "Channels"),
      allReady("SubscriptionsReady", subscriptions, "Subscriptions"),
      address.check,
    ], input.now),
    ingressChannelStatus: channelEntry(ingress),
    branchStatuses: branchChannels.map((channel, i) => ({
      filterChannelStatus: channelEntry(channel),
      filterSubscriptionStatus: subscriptionEntry(subscriptions[2 * i]),
      subscriptionStatus: subscriptionEntry(subscriptions[2 * i + 1]),
    })),
  };
  if (address.url) status.address = { url: address.url };
  return status;
}
