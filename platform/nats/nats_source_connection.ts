/** A NatsJetStreamSource's connection: its durable consumer, each message as the source's event. */
import { connect } from "nats";
import type { QueueConnection } from "../eventing/sources/queue/queue_connection.ts";
import { messageEvent } from "../eventing/sources/queue/message_event.ts";
import { ensureConsumer, headersOf, JetStreamConsumerConnection } from "./jetstream_consumer.ts";
import {
  consumerNameOf,
  DEFAULT_NATS_IN_FLIGHT,
  NATS_EVENT_TYPE,
  natsEventSource,
  type NatsJetStreamSource,
} from "./nats_jetstream_source.ts";

const CONNECT_TIMEOUT_MS = 2_000;

export async function connectNatsSource(
  source: NatsJetStreamSource,
  servers: string,
): Promise<QueueConnection> {
  const nc = await connect({ servers: servers.split(","), reconnect: false, timeout: CONNECT_TIMEOUT_MS });
  const spec = {
    stream: source.spec.stream,
    durable: consumerNameOf(source),
    filterSubject: source.spec.subject,
    maxInFlight: source.spec.maxInFlight ?? DEFAULT_NATS_IN_FLIGHT,
  };
  try {
    await ensureConsumer(nc, spec);
  } catch (err) {
    await nc.close().catch(() => {});
    throw err;
  }
  return new JetStreamConsumerConnection(nc, spec, (m) => {
    const headers = headersOf(m);
    return {
      event: messageEvent(
        { body: m.data, headers, contentType: headers["content-type"] ?? headers["Content-Type"] },
        {
          id: `${m.info.stream}/${m.info.streamSequence}`,
          type: NATS_EVENT_TYPE,
          source: natsEventSource(source),
          subject: m.subject,
          time: new Date(Math.floor(m.info.timestampNanos / 1_000_000)).toISOString(),
        },
        source.spec.ceOverrides?.extensions,
      ),
    };
  });
}
