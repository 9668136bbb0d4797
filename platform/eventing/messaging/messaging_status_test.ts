import assert from "node:assert/strict";
import { channelStatus, subscriptionStatus } from "./messaging_status.ts";

const now = new Date("2026-01-01T00:00:00Z");
const ready = (o: { conditions?: { type: string; status: string; reason?: string }[] }) =>
  o.conditions?.find((c) => c.type === "Ready");

Deno.test("a subscription whose subscriber does not resolve is not Ready, and says why", () => {
  const status = subscriptionStatus({
    previous: undefined,
    generation: 1,
    channel: { ready: true },
    subscriber: { error: 'Service "x" does not exist' },
    reply: { url: "http://r/" },
    now,
  });
  assert.equal(ready(status)?.status, "False");
  assert.equal(ready(status)?.reason, "DestinationNotFound");
  assert.deepEqual(status.physicalSubscription, { replyUri: "http://r/" });
});

Deno.test("a subscription on a missing channel is not Ready and not added to a channel", () => {
  const status = subscriptionStatus({
    previous: undefined,
    generation: 2,
    channel: { error: "no such channel" },
    subscriber: { url: "http://s/" },
    now,
  });
  assert.equal(ready(status)?.reason, "ChannelReferenceFailed");
  assert.equal(status.conditions?.find((c) => c.type === "AddedToChannel")?.status, "False");
  assert.equal(status.observedGeneration, 2);
});

Deno.test("a Channel mirrors its backing channel's address and subscribers", () => {
  const status = channelStatus({
    previous: undefined,
    generation: 1,
    backing: {
      apiVersion: "messaging.knative.dev/v1",
      kind: "InMemoryChannel",
      metadata: { name: "c", namespace: "d" },
      status: {
        conditions: [{ type: "Ready", status: "True" }],
        address: { url: "http://a/" },
        subscribers: [{ uid: "u", ready: "True" }],
      },
    },
    now,
  });
  assert.equal(ready(status)?.status, "True");
  assert.deepEqual(status.address, { url: "http://a/" });
  assert.deepEqual(status.subscribers, [{ uid: "u", ready: "True" }]);
  assert.equal(status.channel?.kind, "InMemoryChannel");
  const unsupported = channelStatus({
    previous: undefined,
    generation: 1,
    backing: "KafkaChannel is not run",
    now,
  });
  assert.equal(ready(unsupported)?.reason, "BackingChannelUnsupported");
});
