/**
 * Statuses of channels and subscriptions as Knative writes them, as pure functions of what is known:
 * a channel implementation is `Addressable` (its ingress URL) and lists its subscribers' readiness;
 * a Channel mirrors its backing channel (`BackingChannelReady`, address, subscribers); a
 * Subscription is `ChannelReady`, `Resolved` (subscriber, reply and dead-letter sink resolve) and
 * `AddedToChannel`, with the resolved URIs in `physicalSubscription`.
 */
import { type Condition, setCondition } from "../../resources/meta.ts";
import type { SinkResolution } from "../event_sender.ts";
import type { ChannelImplementation, ChannelStatus, SubscriberStatus } from "./channel_resource.ts";
import type { SubscriptionStatus } from "./subscription_resource.ts";

export interface Check {
  type: string;
  ok: boolean;
  reason?: string;
  message?: string;
}

/** Sets each check as a condition and `Ready` over all of them (False with the first failing one's reason). */
export function conditionsOf(previous: Condition[] | undefined, checks: Check[], now: Date): Condition[] {
  let conditions = previous;
  for (const c of checks) {
    conditions = setCondition(conditions, {
      type: c.type,
      status: c.ok ? "True" : "False",
      reason: c.ok ? undefined : c.reason,
      message: c.ok ? undefined : c.message,
    }, now);
  }
  const failing = checks.find((c) => !c.ok);
  return setCondition(conditions, {
    type: "Ready",
    status: failing ? "False" : "True",
    reason: failing?.reason,
    message: failing?.message,
  }, now);
}

/** A channel implementation's status; `connection` is a check for implementations with a server. */
export function implementationStatus(input: {
  previous: ChannelStatus | undefined;
  generation: number | undefined;
  address: string;
  subscribers: SubscriberStatus[];
  deadLetterSinkUri?: string;
  connection?: Check;
  now: Date;
}): ChannelStatus {
  const checks: Check[] = [{ type: "Addressable", ok: true }];
  if (input.connection) checks.push(input.connection);
  const status: ChannelStatus = {
    observedGeneration: input.generation,
    conditions: conditionsOf(input.previous?.conditions, checks, input.now),
    address: { url: input.address },
    subscribers: input.subscribers,
  };
  if (input.deadLetterSinkUri) status.deadLetterSinkUri = input.deadLetterSinkUri;
  return status;
}

/** A generic Channel's status: its backing channel's, or why there is none. */
export function channelStatus(input: {
  previous: ChannelStatus | undefined;
  generation: number | undefined;
  /** The backing channel, or why there is none. */
  backing: ChannelImplementation | string;
  now: Date;
}): ChannelStatus {
  const { backing } = input;
  if (typeof backing === "string") {
    return {
      observedGeneration: input.generation,
      conditions: conditionsOf(input.previous?.conditions, [{
        type: "BackingChannelReady",
        ok: false,
        reason: "BackingChannelUnsupported",
        message: backing,
      }], input.now),
    };
  }
  const backingReady = backing.status?.conditions?.find((c) => c.type === "Ready");
  const ok = backingReady?.status === "True";
  const status: ChannelStatus = {
    observedGeneration: input.generation,
    conditions: conditionsOf(input.previous?.conditions, [{
      type: "BackingChannelReady",
      ok,
      reason: ok ? undefined : backingReady?.reason ?? "BackingChannelNotReady",
      message: ok
        ? undefined
        : backingReady?.message ?? `${backing.kind} "${backing.metadata.name}" is not ready`,
    }], input.now),
    channel: {
      apiVersion: backing.apiVersion,
      kind: backing.kind,
      name: backing.metadata.name,
      namespace: backing.metadata.namespace,
    },
  };
  if (backing.status?.address) status.address = backing.status.address;
  if (backing.status?.subscribers) status.subscribers = backing.status.subscribers;
  if (backing.status?.deadLetterSinkUri) status.deadLetterSinkUri = backing.status.deadLetterSinkUri;
  return status;
}

function resolutionProblem(what: string, r: SinkResolution | undefined): string | undefined {
  return r && "error" in r ? `the ${what} could not be resolved: ${r.error}` : undefined;
}

/** A Subscription's status. `channel` is the implementation it reaches, or why it reaches none. */
export function subscriptionStatus(input: {
  previous: SubscriptionStatus | undefined;
  generation: number | undefined;
  channel: { ready: boolean; message?: string } | { error: string };
  subscriber?: SinkResolution;
  reply?: SinkResolution;
  deadLetter?: SinkResolution;
  now: Date;
}): SubscriptionStatus {
  const channelOk = !("error" in input.channel) && input.channel.ready;
  const channelMessage = "error" in input.channel ? input.channel.error : input.channel.message;
  const problem = resolutionProblem("subscriber", input.subscriber) ??
    resolutionProblem("reply", input.reply) ??
    resolutionProblem("dead-letter sink", input.deadLetter);
  const checks: Check[] = [
    {
      type: "ChannelReady",
      ok: channelOk,
      reason: "error" in input.channel ? "ChannelReferenceFailed" : "ChannelNotReady",
      message: channelMessage ?? "the channel is not ready",
    },
    { type: "Resolved", ok: !problem, reason: "DestinationNotFound", message: problem },
    {
      type: "AddedToChannel",
      ok: !("error" in input.channel),
      reason: "ChannelReferenceFailed",
      message: channelMessage,
    },
  ];
  const physical: NonNullable<SubscriptionStatus["physicalSubscription"]> = {};
  if (input.subscriber && "url" in input.subscriber) physical.subscriberUri = input.subscriber.url;
  if (input.reply && "url" in input.reply) physical.replyUri = input.reply.url;
  if (input.deadLetter && "url" in input.deadLetter) physical.deadLetterSinkUri = input.deadLetter.url;
  return {
    observedGeneration: input.generation,
    conditions: conditionsOf(input.previous?.conditions, checks, input.now),
    physicalSubscription: physical,
  };
}
