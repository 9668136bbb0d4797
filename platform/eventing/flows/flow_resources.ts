/**
 * Knative's `flows.knative.dev/v1` Sequence (steps in order, each step's reply to the next, the last
 * one's to `reply`) and Parallel (every branch gets each event; a branch's `filter` decides whether
 * its `subscriber` sees it; replies go to the branch's `reply`, else the Parallel's): schemas,
 * Knative's defaults (the default channel template) and validation.
 */
import { z } from "zod";
import { CLOSED_IN_OPENAPI, type Condition, type KObject, ObjectMeta } from "../../resources/meta.ts";
import { viewedAs } from "../../resources/openapi_view.ts";
import { type FieldError, zodFieldErrors } from "../../resources/field_errors.ts";
import { type DeliverySpec, deliverySpecSchema, type Destination } from "../delivery/delivery_spec.ts";
import { checkDelivery } from "../broker/resource_errors.ts";
import { destinationOf, KReferenceSchema, SinkSchema } from "../sources/source_spec.ts";
import { type ChannelTemplate, DEFAULT_CHANNEL_TEMPLATE } from "../messaging/channel_resource.ts";

export const FLOWS_V1 = "flows.knative.dev/v1";

export interface SequenceStep extends Destination {
  delivery?: DeliverySpec;
}

export interface ParallelBranch {
  filter?: Destination;
  subscriber: Destination;
  reply?: Destination;
  delivery?: DeliverySpec;
}

export interface FlowStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  address?: { url: string };
  [field: string]: unknown;
}

export interface Sequence extends KObject {
  spec: {
    channelTemplate: ChannelTemplate;
    steps: SequenceStep[];
    reply?: Destination;
    [k: string]: unknown;
  };
  status?: FlowStatus;
}

export interface Parallel extends KObject {
  spec: {
    channelTemplate: ChannelTemplate;
    branches: ParallelBranch[];
    reply?: Destination;
    [k: string]: unknown;
  };
  status?: FlowStatus;
}

const requiredText = z.string({
  error: (issue) => issue.input === undefined ? "is required" : "must be a string",
}).min(1, "must not be empty");

const Template = z.looseObject({
  apiVersion: requiredText,
  kind: requiredText,
  spec: z.looseObject({}).optional(),
}, { error: "must be an object with apiVersion and kind" });

const StepSchema = z.looseObject({
  ref: viewedAs(KReferenceSchema).optional().describe(
    "The addressable resource (a Service...) of this step.",
  ),
  uri: viewedAs(z.string()).optional().describe("An absolute URL, or a path relative to the ref's address."),
  delivery: viewedAs(deliverySpecSchema).optional().describe("Retries, backoff and dead-letter sink."),
}, { error: "must be a destination: a ref or a uri" });

export const SequenceDocument = z.looseObject({
  apiVersion: z.literal(FLOWS_V1),
  kind: z.literal("Sequence"),
  metadata: ObjectMeta,
  spec: z.looseObject({
    channelTemplate: Template.optional().describe(
      "The channel implementation between steps (default: InMemoryChannel).",
    ),
    steps: z.array(StepSchema, { error: "is required: at least one step" }).min(
      1,
      "is required: at least one step",
    ).describe("The subscribers an event goes through in order; each one's reply goes to the next."),
    reply: SinkSchema.optional().describe("Where the last step's reply goes."),
  }, { error: "is required" }).meta(CLOSED_IN_OPENAPI).describe(
    "The steps, the channels between them and the reply.",
  ),
}).describe("A Knative Sequence: events go through the steps in order.");

const BranchSchema = z.looseObject({
  filter: SinkSchema.optional().describe(
    "Decides whether the branch's subscriber sees an event (its reply).",
  ),
  subscriber: SinkSchema.describe("Where the events that pass the filter go."),
  reply: SinkSchema.optional().describe("Where the subscriber's replies go (default: the Parallel's reply)."),
  delivery: viewedAs(deliverySpecSchema).optional().describe("Retries, backoff and dead-letter sink."),
});

export const ParallelDocument = z.looseObject({
  apiVersion: z.literal(FLOWS_V1),
  kind: z.literal("Parallel"),
  metadata: ObjectMeta,
  spec: z.looseObject({
    channelTemplate: Template.optional().describe(
      "The channel implementation used (default: InMemoryChannel).",
    ),
    branches: z.array(BranchSchema, { error: "is required: at least one branch" }).min(
      1,
      "is required: at least one branch",
    ).describe("Every branch gets each event: a filter, a subscriber and a reply."),
    reply: SinkSchema.optional().describe("Where the branches' replies go unless a branch names its own."),
  }, { error: "is required" }).meta(CLOSED_IN_OPENAPI).describe(
    "The branches, the channel used and the reply.",
  ),
}).describe("A Knative Parallel: every branch gets each event, filtered per branch.");

/** A destination field: checked as a sink, returned as the sender takes it. */
function destination(input: unknown, path: PropertyKey[], errors: FieldError[]): Destination | undefined {
  const parsed = SinkSchema.safeParse(input);
  if (!parsed.success) {
    errors.push(...zodFieldErrors(parsed.error, path));
    return undefined;
  }
  return destinationOf(parsed.data);
}

function delivery(input: unknown, path: string, errors: FieldError[]): DeliverySpec | undefined {
  if (input === undefined) return undefined;
  const checked = checkDelivery(input, path);
  errors.push(...checked.errors);
  return checked.delivery;
}

function nameRequired(obj: KObject, errors: FieldError[]) {
  if (!obj.metadata.name) errors.push({ path: "metadata.name", message: "is required" });
}

export function parseSequence(doc: unknown): { object: Sequence; errors: FieldError[] } {
  const parsed = SequenceDocument.safeParse(doc);
  if (!parsed.success) return { object: doc as Sequence, errors: zodFieldErrors(parsed.error) };
  const seq = parsed.data as unknown as Sequence;
  const errors: FieldError[] = [];
  nameRequired(seq, errors);
  seq.spec.channelTemplate ??= { ...DEFAULT_CHANNEL_TEMPLATE };
  seq.spec.steps = parsed.data.spec.steps.map((raw, i) => {
    const { delivery: d, ...dest } = raw;
    const step: SequenceStep = destination(dest, ["spec", "steps", i], errors) ?? {};
    const checked = delivery(d, `spec.steps[${i}].delivery`, errors);
    if (checked) step.delivery = checked;
    return step;
  });
  if (parsed.data.spec.reply) seq.spec.reply = destinationOf(parsed.data.spec.reply);
  return { object: seq, errors };
}

export function parseParallel(doc: unknown): { object: Parallel; errors: FieldError[] } {
  const parsed = ParallelDocument.safeParse(doc);
  if (!parsed.success) return { object: doc as Parallel, errors: zodFieldErrors(parsed.error) };
  const par = parsed.data as unknown as Parallel;
  const errors: FieldError[] = [];
  nameRequired(par, errors);
  par.spec.channelTemplate ??= { ...DEFAULT_CHANNEL_TEMPLATE };
  par.spec.branches = parsed.data.spec.branches.map((raw, i) => {
    const branch: ParallelBranch = { subscriber: destinationOf(raw.subscriber) };
    if (raw.filter) branch.filter = destinationOf(raw.filter);
    if (raw.reply) branch.reply = destinationOf(raw.reply);
    const checked = delivery(raw.delivery, `spec.branches[${i}].delivery`, errors);
    if (checked) branch.delivery = checked;
    return branch;
  });
  if (parsed.data.spec.reply) par.spec.reply = destinationOf(parsed.data.spec.reply);
  return { object: par, errors };
}
