/** What a channel implementation offers the shared channel ingress. */
import type { CloudEvent } from "../cloudevents/cloudevent.ts";

export interface ChannelBackend {
  /** The kind it implements (`InMemoryChannel`, `NatsJetStreamChannel`). */
  kind: string;
  /** Whether this node runs a channel of this kind with that name. */
  serves(namespace: string, name: string): boolean;
  /** Resolves once the events are stored durably; rejects when they could not be. */
  append(namespace: string, name: string, events: CloudEvent[]): Promise<void>;
}
