/**
 * Knative's `sources.knative.dev/v1` PingSource: its schema, Knative's defaulting and validation,
 * and the event it sends on each tick (type `dev.knative.sources.ping`, source
 * `/apis/v1/namespaces/<ns>/pingsources/<name>`).
 */
import { z } from "zod";
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import { CLOSED_IN_OPENAPI, type Condition, type KObject } from "../../resources/meta.ts";
import { type FieldError, zodFieldErrors } from "../../resources/field_errors.ts";
import { decodeBase64 } from "../../resources/secret.ts";
import { CeOverridesSchema, SinkSchema, SourceMeta, SOURCES_V1 } from "./source_spec.ts";
import { type CronSchedule, parseSchedule } from "./cron_schedule.ts";

export const PING_EVENT_TYPE = "dev.knative.sources.ping";
/** Knative's default schedule: every minute. */
export const DEFAULT_PING_SCHEDULE = "* * * * *";

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const PingSourceSpec = z.looseObject({
  schedule: z.string().optional().describe(
    "A cron schedule (5 fields, or @hourly...); default every minute.",
  ),
  timezone: z.string().optional().describe("The IANA time zone the schedule is read in (default UTC)."),
  contentType: z.string().optional().describe("The media type of data, e.g. application/json."),
  data: z.string().optional().describe("The event data, as text."),
  dataBase64: z.string().optional().describe("The event data, base64-encoded (instead of data)."),
  sink: SinkSchema,
  ceOverrides: CeOverridesSchema.optional(),
}).meta(CLOSED_IN_OPENAPI).describe("When to send an event, what it carries and where it goes.");

export const PingSourceDocument = z.looseObject({
  apiVersion: z.literal(SOURCES_V1),
  kind: z.literal("PingSource"),
  metadata: SourceMeta,
  spec: PingSourceSpec,
}).describe("A Knative PingSource: sends a fixed event on a cron schedule.");

export type PingSourceSpec = z.infer<typeof PingSourceSpec>;

export interface PingSource extends KObject {
  spec: PingSourceSpec & { schedule: string };
  status?: { observedGeneration?: number; conditions?: Condition[]; sinkUri?: string };
}

/** Validates a PingSource document and fills Knative's default schedule. */
export function parsePingSource(doc: unknown): { source: PingSource; errors: FieldError[] } {
  const parsed = PingSourceDocument.safeParse(doc);
  if (!parsed.success) return { source: doc as PingSource, errors: zodFieldErrors(parsed.error) };
  const source = parsed.data as unknown as PingSource;
  const spec = source.spec;
  if (!spec.schedule) spec.schedule = DEFAULT_PING_SCHEDULE;
  const errors: FieldError[] = [];
  const schedule = parseSchedule(spec.schedule, spec.timezone);
  if ("problems" in schedule) {
    for (const p of schedule.problems) errors.push({ path: `spec.${p.field}`, message: p.message });
  }
  const json = spec.contentType?.split(";")[0].trim().toLowerCase() === "application/json";
  if (spec.data && spec.dataBase64) {
    errors.push({ path: "spec.dataBase64", message: "may not be set together with data: give one of them" });
  } else if (spec.dataBase64) {
    if (!BASE64.test(spec.dataBase64)) {
      errors.push({ path: "spec.dataBase64", message: "must be base64 (standard alphabet, padded)" });
    } else if (json) {
      const problem = jsonObjectProblem(new TextDecoder().decode(decodeBase64(spec.dataBase64)));
      if (problem) errors.push({ path: "spec.dataBase64", message: problem });
    }
  } else if (spec.data && json) {
    const problem = jsonObjectProblem(spec.data);
    if (problem) errors.push({ path: "spec.data", message: problem });
  }
  return { source, errors };
}

/** Knative checks that JSON data decodes to an object. */
function jsonObjectProblem(text: string): string | undefined {
  try {
    const value = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      return "must be a JSON object when contentType is application/json";
    }
    return undefined;
  } catch (err) {
    return `is not valid JSON: ${(err as Error).message}`;
  }
}

/** The source's parsed schedule (the stored spec is valid, so this does not fail). */
export function pingSchedule(source: PingSource): CronSchedule {
  const result = parseSchedule(source.spec.schedule, source.spec.timezone);
  if (!("schedule" in result)) throw new Error(`invalid stored schedule: ${JSON.stringify(result.problems)}`);
  return result.schedule;
}

export function pingEventSource(namespace: string, name: string): string {
  return `/apis/v1/namespaces/${namespace}/pingsources/${name}`;
}

/** The event one tick sends: `data` as UTF-8 bytes, or `dataBase64` decoded, with `contentType`. */
export function makePingEvent(source: PingSource, id: string, firedAt: Date): CloudEvent {
  const { spec, metadata } = source;
  const event: CloudEvent = {
    specversion: "1.0",
    id,
    type: PING_EVENT_TYPE,
    source: pingEventSource(metadata.namespace, metadata.name),
    time: firedAt.toISOString(),
    extensions: { ...spec.ceOverrides?.extensions },
  };
  const data = spec.dataBase64
    ? decodeBase64(spec.dataBase64)
    : spec.data
    ? new TextEncoder().encode(spec.data)
    : undefined;
  if (data !== undefined) {
    event.data = data;
    if (spec.contentType) event.datacontenttype = spec.contentType;
  }
  return event;
}
