/**
 * kn's `--sink` values: `ksvc:NAME` (or a bare NAME), `broker:NAME`, `kafkasink:NAME`, each with an
 * optional `:NAMESPACE`, or an http(s) URL; and the same notation back from a Destination.
 */
import { UsageError } from "./cli_error.ts";

// The same Destination shape the platform's delivery code validates.
export type { Destination, KReference } from "../eventing/delivery/delivery_spec.ts";
import type { Destination, KReference } from "../eventing/delivery/delivery_spec.ts";

const PREFIXES: Record<string, { apiVersion: string; kind: string }> = {
  ksvc: { apiVersion: "serving.knative.dev/v1", kind: "Service" },
  broker: { apiVersion: "eventing.knative.dev/v1", kind: "Broker" },
  kafkasink: { apiVersion: "eventing.knative.dev/v1alpha1", kind: "KafkaSink" },
};

export function parseSink(value: string, flag = "sink"): Destination {
  if (/^https?:\/\//i.test(value)) {
    try {
      return { uri: new URL(value).href };
    } catch {
      throw new UsageError(`--${flag} ${value}: not a valid URL`);
    }
  }
  const parts = value.split(":");
  const [prefix, name, namespace] = parts.length === 1 ? ["ksvc", parts[0]] : parts;
  const target = PREFIXES[prefix.toLowerCase()];
  if (!target || !name || parts.length > 3) {
    throw new UsageError(
      `--${flag} ${value}: want ksvc:NAME, broker:NAME, kafkasink:NAME (each with an optional :NAMESPACE) or an http(s) URL`,
    );
  }
  const ref: KReference = { ...target, name };
  if (namespace) ref.namespace = namespace;
  return { ref };
}

/** How a sink reads in tables: the `--sink` notation that would give it. */
export function sinkText(sink: Destination | undefined): string {
  if (!sink) return "";
  if (!sink.ref) return sink.uri ?? "";
  const prefix = Object.entries(PREFIXES).find(([, t]) => t.kind === sink.ref!.kind)?.[0] ?? sink.ref.kind;
  const ns = sink.ref.namespace ? `:${sink.ref.namespace}` : "";
  return `${prefix}:${sink.ref.name}${ns}${sink.uri ? ` ${sink.uri}` : ""}`;
}

/** The `--sink` flag every event source and trigger takes. */
export const SINK_FLAG = {
  name: "sink",
  short: "s",
  placeholder: "SINK",
  description: "where events go: ksvc:NAME (or NAME), broker:NAME, kafkasink:NAME, or an http(s) URL",
} as const;
