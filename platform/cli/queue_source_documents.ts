/**
 * The documents `dn source redis|rabbitmq|nats create` send, built from kn-style flags, in the
 * shapes the Knative extensions use (eventing-redis, eventing-rabbitmq) and Denative's
 * NatsJetStreamSource.
 */
import { UsageError } from "./cli_error.ts";
import { parseSink } from "./sink.ts";
import { kindNamed } from "./resource_kinds.ts";
import { commaList, type Doc } from "./eventing_documents.ts";

function header(kind: string, name: string, namespace: string): Doc {
  return { apiVersion: kindNamed(kind).apiVersion, kind, metadata: { name, namespace } };
}

function required(flag: string, value: string | undefined): string {
  if (!value) throw new UsageError(`--${flag} is required`);
  return value;
}

export function redisStreamSourceDocument(
  name: string,
  namespace: string,
  flags: { address?: string; stream?: string; group?: string; sink?: string },
): Doc {
  const spec: Doc = { address: required("address", flags.address), stream: required("stream", flags.stream) };
  if (flags.group) spec.group = flags.group;
  spec.sink = parseSink(required("sink", flags.sink));
  return { ...header("RedisStreamSource", name, namespace), spec };
}

export function rabbitmqSourceDocument(
  name: string,
  namespace: string,
  flags: {
    cluster?: string;
    secret?: string;
    exchange?: string;
    queue?: string;
    predeclared: boolean;
    parallelism?: string;
    vhost?: string;
    sink?: string;
  },
): Doc {
  if (!flags.cluster === !flags.secret) throw new UsageError("give one of --secret or --cluster");
  const rabbitmqClusterReference = flags.secret
    ? { connectionSecret: { name: flags.secret } }
    : { name: flags.cluster };
  const config: Doc = { predeclared: flags.predeclared };
  if (flags.exchange) config.exchangeName = flags.exchange;
  if (flags.queue) config.queueName = flags.queue;
  if (flags.vhost) config.vhost = flags.vhost;
  if (flags.parallelism !== undefined) {
    const n = Number(flags.parallelism);
    if (!Number.isInteger(n)) throw new UsageError(`--parallelism ${flags.parallelism}: want a whole number`);
    config.parallelism = n;
  }
  return {
    ...header("RabbitmqSource", name, namespace),
    spec: {
      rabbitmqClusterReference,
      rabbitmqResourcesConfig: config,
      sink: parseSink(required("sink", flags.sink)),
    },
  };
}

export function natsJetStreamSourceDocument(
  name: string,
  namespace: string,
  flags: { servers?: string[]; stream?: string; subject?: string; consumer?: string; sink?: string },
): Doc {
  const spec: Doc = { stream: required("stream", flags.stream) };
  const servers = commaList(flags.servers ?? []);
  if (servers.length) spec.servers = servers.join(",");
  if (flags.subject) spec.subject = flags.subject;
  if (flags.consumer) spec.consumer = flags.consumer;
  spec.sink = parseSink(required("sink", flags.sink));
  return { ...header("NatsJetStreamSource", name, namespace), spec };
}
