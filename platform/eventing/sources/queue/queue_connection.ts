/**
 * What a message server (Redis Streams, RabbitMQ, NATS JetStream) offers a source: a connection that
 * hands over messages, each acknowledged only when the source is done with it, and tells how many
 * wait (the backlog the autoscaler sees). One implementation per server; the runner and the
 * controller around it are shared.
 */
import type { CloudEvent } from "../../cloudevents/cloudevent.ts";

export interface QueueMessage {
  /** The event to deliver (the message itself when it already is a CloudEvent). */
  event: CloudEvent;
  /** The server delivered it before (to this or an earlier consumer): a possible duplicate. */
  redelivered: boolean;
  /** Tells the server the message is done (delivered or dead-lettered): it is not sent again. */
  ack(): Promise<void>;
}

export interface QueueConnection {
  /**
   * Hands messages to `onMessage` (at most `maxInFlight` unfinished at once) until the connection
   * is lost (rejects) or closed (resolves).
   */
  consume(onMessage: (message: QueueMessage) => Promise<void>, maxInFlight: number): Promise<void>;
  /** Messages waiting to be consumed or acknowledged; rejects when the server does not answer. */
  backlog(): Promise<number>;
  close(): Promise<void>;
}

/** Opens a connection (declaring what must exist); rejects with why when the server cannot be reached. */
export type QueueConnector = () => Promise<QueueConnection>;

/** What the runner knows about its server, for the source's status. */
export type ConnectionState =
  | { state: "connecting" }
  | { state: "connected" }
  | { state: "unreachable"; error: string; reason?: string };

/** The source cannot connect as configured (a Secret is missing...): its reason goes on the status. */
export class SourceConfigError extends Error {
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}
