/**
 * The NatsJetStreamChannel implementation: the channel ingress publishes each event to the
 * channel's stream in the CloudEvents binary layout (`ce-` headers, the data as payload; the answer
 * is 202 only once JetStream acknowledged it, and `Nats-Msg-Id` = source + id lets JetStream drop a
 * re-sent duplicate); each subscription reads the stream through its own durable consumer and gets
 * the shared subscription delivery (subscriber, reply, dead letters), acknowledging after it. One
 * NATS connection for publishing, reconnected with backoff while NATS is away (the channels are
 * NotReady meanwhile); one per subscription consumer (the queue-source runner).
 */
import { connect, headers as natsHeaders, type NatsConnection, RetentionPolicy, StorageType } from "nats";
import type { ResourceStore } from "../store/resource_store.ts";
import type { Logger } from "../log.ts";
import type { CloudEvent } from "../eventing/cloudevents/cloudevent.ts";
import { encodeHttpBinary } from "../eventing/cloudevents/http_encode.ts";
import { systemClock } from "../eventing/delivery/clock.ts";
import type { ChannelBackend } from "../eventing/messaging/channel_backend.ts";
import { NATS_JETSTREAM_CHANNEL } from "../eventing/messaging/channel_resource.ts";
import type { Check } from "../eventing/messaging/messaging_status.ts";
import type { SubscriptionIndex } from "../eventing/messaging/subscription_index.ts";
import type { SubscriptionDelivery } from "../eventing/messaging/subscription_delivery.ts";
import { type ConnectionState, SourceConfigError } from "../eventing/sources/queue/queue_connection.ts";
import { QueueSourceRunner } from "../eventing/sources/queue/queue_source_runner.ts";
import { ensureConsumer, headersOf, JetStreamConsumerConnection } from "./jetstream_consumer.ts";
import { messageEvent } from "../eventing/sources/queue/message_event.ts";
import {
  consumerOfSubscription,
  type NatsJetStreamChannel,
  streamNameOf,
  subjectOf,
} from "./nats_jetstream_channel.ts";

const KIND = NATS_JETSTREAM_CHANNEL.kind;
const CONNECT_TIMEOUT_MS = 2_000;
const RECONNECT_MS = { first: 200, max: 5_000 };
/** Deliveries of one subscription in flight at once. */
const SUBSCRIPTION_IN_FLIGHT = 32;

export interface NatsChannelsDeps {
  store: ResourceStore;
  index: SubscriptionIndex;
  delivery: SubscriptionDelivery;
  /** The NATS servers (`--nats-servers`). */
  servers: string;
  log: Logger;
  /** A connection state changed (statuses are due). */
  changed(): void;
}

const keyOf = (ns: string, name: string) => `${ns}/${name}`;

export class NatsChannels implements ChannelBackend {
  readonly kind = KIND;
  #nc: NatsConnection | undefined;
  #state: ConnectionState = { state: "connecting" };
  /** Streams known to exist, by channel key (their problem otherwise). */
  #streams = new Map<string, string | undefined>();
  #runners = new Map<string, QueueSourceRunner>();
  #stopped = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(private readonly deps: NatsChannelsDeps) {}

  serves(namespace: string, name: string): boolean {
    return this.deps.store.get(KIND, namespace, name) !== undefined;
  }

  async append(namespace: string, name: string, events: CloudEvent[]): Promise<void> {
    const nc = this.#nc;
    if (!nc) {
      throw new Error(`NATS is not reachable: ${"error" in this.#state ? this.#state.error : "connecting"}`);
    }
    const channel = this.deps.store.get<NatsJetStreamChannel>(KIND, namespace, name)!;
    await this.#ensureStream(nc, channel);
    const js = nc.jetstream();
    await Promise.all(events.map((event) => {
      const encoded = encodeHttpBinary(event);
      const h = natsHeaders();
      for (const [k, v] of Object.entries(encoded.headers)) h.set(k, v);
      return js.publish(subjectOf(namespace, name), encoded.body, {
        headers: h,
        msgID: `${event.source}#${event.id}`,
      });
    }));
  }

  /** The channel's connection condition: NATS reachable and its stream there. */
  connectionOf(namespace: string, name: string): Check {
    const type = "ConnectionEstablished";
    if (this.#state.state === "connecting") {
      return { type, ok: false, reason: "Connecting", message: "connecting to NATS" };
    }
    if (this.#state.state === "unreachable") {
      return {
        type,
        ok: false,
        reason: "ServerUnreachable",
        message: `NATS at ${this.deps.servers} does not answer: ${this.#state.error}`,
      };
    }
    const problem = this.#streams.get(keyOf(namespace, name));
    if (problem) return { type, ok: false, reason: "StreamNotReady", message: problem };
    return { type, ok: true };
  }

  /** Nothing to do until a NatsJetStreamChannel exists (then `sync` connects). */
  start() {}

  async stop() {
    this.#stopped = true;
    this.#wake?.();
    await Promise.all([...this.#runners.values()].map((r) => r.stop()));
    this.#runners.clear();
    await this.#nc?.close().catch(() => {});
    await this.#loop;
  }

  /** Follows the channels and subscriptions (after each reconcile pass): streams made, consumers run. */
  sync() {
    if (this.#stopped) return;
    const nc = this.#nc;
    const channels = this.deps.store.list<NatsJetStreamChannel>(KIND);
    if (channels.length > 0) this.#loop ??= this.#connectLoop();
    if (nc) { for (const ch of channels) this.#ensureStream(nc, ch).catch(() => {}); }
    const wanted = new Set<string>();
    for (const ch of channels) {
      for (
        const sub of this.deps.index.of({
          kind: KIND,
          namespace: ch.metadata.namespace,
          name: ch.metadata.name,
        })
      ) {
        wanted.add(sub.uid);
        if (!this.#runners.has(sub.uid)) this.#startRunner(sub.uid, ch);
      }
    }
    for (const [uid, runner] of this.#runners) {
      if (wanted.has(uid)) continue;
      this.#runners.delete(uid);
      runner.stop().catch(() => {});
    }
  }

  /** Events waiting per subscription uid (its consumer's pending and unacknowledged). */
  pending(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [uid, runner] of this.#runners) if (runner.backlog !== undefined) out.set(uid, runner.backlog);
    return out;
  }

  /** Removes a deleted subscription's consumer from its stream. */
  async forget(uid: string, channel?: { namespace: string; name: string }) {
    const runner = this.#runners.get(uid);
    this.#runners.delete(uid);
    await runner?.stop();
    const nc = this.#nc;
    if (!nc || !channel) return;
    const ch = this.deps.store.get<NatsJetStreamChannel>(KIND, channel.namespace, channel.name);
    const stream = streamNameOf({ ...channel, overrideName: ch?.spec?.stream?.overrideName });
    await (await nc.jetstreamManager()).consumers.delete(stream, consumerOfSubscription(uid)).catch(() => {});
  }

  #startRunner(uid: string, channel: NatsJetStreamChannel) {
    const { namespace, name } = channel.metadata;
    const stream = streamNameOf({ namespace, name, overrideName: channel.spec?.stream?.overrideName });
    const spec = { stream, durable: consumerOfSubscription(uid), maxInFlight: SUBSCRIPTION_IN_FLIGHT };
    const runner = new QueueSourceRunner({
      name: `natsjetstreamchannel ${namespace}/${name} subscription ${uid}`,
      connect: async () => {
        const nc = await connect({
          servers: this.deps.servers.split(","),
          reconnect: false,
          timeout: CONNECT_TIMEOUT_MS,
        });
        try {
          await this.#ensureStream(nc, channel);
          await ensureConsumer(nc, spec);
        } catch (err) {
          await nc.close().catch(() => {});
          throw err;
        }
        return new JetStreamConsumerConnection(nc, spec, (m) => {
          const headers = headersOf(m);
          const fallback = {
            id: `${stream}/${m.info.streamSequence}`,
            type: "dev.knative.natsjetstream.message",
            source: `/${m.subject}`,
          };
          return {
            event: messageEvent(
              { body: m.data, headers, contentType: headers["content-type"] },
              fallback,
              undefined,
            ),
          };
        });
      },
      maxInFlight: SUBSCRIPTION_IN_FLIGHT,
      sender: { send: () => Promise.reject(new Error("unused")) },
      clock: systemClock,
      log: this.deps.log,
      // A delivery whose subscription is gone is done too: nobody wants the event any more.
      deliver: async (event) => {
        await this.deps.delivery.deliver(uid, event);
        return true;
      },
      onChange: () => this.deps.changed(),
    });
    this.#runners.set(uid, runner);
    runner.start();
  }

  async #ensureStream(nc: NatsConnection, channel: NatsJetStreamChannel) {
    const { namespace, name } = channel.metadata;
    const key = keyOf(namespace, name);
    if (this.#streams.has(key) && this.#streams.get(key) === undefined) return;
    const config = channel.spec?.stream?.config ?? {};
    const stream = streamNameOf({ namespace, name, overrideName: channel.spec?.stream?.overrideName });
    const subject = subjectOf(namespace, name);
    try {
      const jsm = await nc.jetstreamManager();
      try {
        await jsm.streams.info(stream);
      } catch {
        await jsm.streams.add({
          name: stream,
          subjects: [subject, ...(config.additionalSubjects ?? [])],
          retention: config.retention === "Interest"
            ? RetentionPolicy.Interest
            : config.retention === "Work"
            ? RetentionPolicy.Workqueue
            : RetentionPolicy.Limits,
          storage: config.storage === "Memory" ? StorageType.Memory : StorageType.File,
          ...(config.maxMsgs ? { max_msgs: config.maxMsgs } : {}),
          ...(config.maxBytes ? { max_bytes: config.maxBytes } : {}),
          ...(config.replicas ? { num_replicas: config.replicas } : {}),
        });
      }
      if (this.#streams.get(key) !== undefined || !this.#streams.has(key)) {
        this.#streams.set(key, undefined);
        this.deps.changed();
      }
    } catch (err) {
      const problem = `the stream ${stream} could not be created: ${(err as Error).message}`;
      if (this.#streams.get(key) !== problem) {
        this.#streams.set(key, problem);
        this.deps.changed();
      }
      throw new SourceConfigError("StreamNotReady", problem);
    }
  }

  async #connectLoop() {
    let wait = RECONNECT_MS.first;
    while (!this.#stopped) {
      try {
        const nc = await connect({
          servers: this.deps.servers.split(","),
          reconnect: false,
          timeout: CONNECT_TIMEOUT_MS,
        });
        if (this.#stopped) {
          await nc.close();
          return;
        }
        this.#nc = nc;
        this.#setState({ state: "connected" });
        wait = RECONNECT_MS.first;
        this.#streams.clear();
        this.sync();
        const err = await nc.closed();
        this.#nc = undefined;
        if (this.#stopped) return;
        this.#setState({ state: "unreachable", error: err?.message ?? "the connection closed" });
      } catch (err) {
        this.#setState({ state: "unreachable", error: (err as Error).message });
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((r) => {
        this.#wake = r;
        timer = setTimeout(r, wait);
      });
      clearTimeout(timer);
      wait = Math.min(wait * 2, RECONNECT_MS.max);
    }
  }

  #setState(state: ConnectionState) {
    if (JSON.stringify(state) === JSON.stringify(this.#state)) return;
    if (state.state === "unreachable" && this.#state.state !== "unreachable") {
      this.deps.log.warn(`NATS at ${this.deps.servers}: ${state.error}`);
    }
    this.#state = state;
    this.deps.changed();
  }
}
