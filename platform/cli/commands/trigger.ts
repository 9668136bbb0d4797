/** `dn trigger create|list|describe|delete`: subscriptions to a broker's events, as `kn trigger`. */
import type { KObject } from "../../resources/meta.ts";
import type { Command } from "../command.ts";
import { kindNamed } from "../resource_kinds.ts";
import { ageOf } from "../age.ts";
import { conditionColumns } from "../conditions.ts";
import { triggerDocument } from "../eventing_documents.ts";
import { type Destination, SINK_FLAG, sinkText } from "../sink.ts";
import { createCommand, deleteCommand, describeCommand, listCommand } from "./resource_commands.ts";

const TRIGGER = kindNamed("Trigger");

interface Trigger extends KObject {
  spec?: { broker?: string; filter?: { attributes?: Record<string, string> }; subscriber?: Destination };
  status?: KObject["status"] & { subscriberUri?: string };
}

export const triggerCommands: Command[] = [
  createCommand({
    path: ["trigger", "create"],
    kind: TRIGGER,
    summary: "Create a trigger: events from a broker that match its filters go to a sink",
    details:
      "Examples:\n  dn trigger create on-order --broker default --filter type=order.created --sink ksvc:billing",
    flags: [
      {
        name: "broker",
        placeholder: "BROKER",
        description: 'the broker to subscribe to (default "default")',
      },
      {
        name: "filter",
        multiple: true,
        placeholder: "ATTR=VALUE",
        description: "deliver only events whose attribute has this value (repeatable)",
      },
      SINK_FLAG,
    ],
    build: (name, ns, flags) =>
      triggerDocument(name, ns, {
        broker: flags.string("broker"),
        filters: flags.strings("filter"),
        sink: flags.string("sink"),
      }),
  }),
  listCommand<Trigger>({
    path: ["trigger", "list"],
    kind: TRIGGER,
    noun: "triggers",
    headers: ["NAME", "BROKER", "SINK", "AGE", "CONDITIONS", "READY", "REASON"],
    row: (t, ctx) => [
      t.metadata.name,
      t.spec?.broker ?? "",
      sinkText(t.spec?.subscriber),
      ageOf(t.metadata.creationTimestamp, ctx.now()),
      ...conditionColumns(t),
    ],
  }),
  describeCommand<Trigger>(["trigger", "describe"], TRIGGER, (t) => {
    const filter = Object.entries(t.spec?.filter?.attributes ?? {}).map(([k, v]) => `${k}=${v}`).join(", ");
    const fields: [string, string][] = [["Broker", t.spec?.broker ?? ""]];
    if (filter) fields.push(["Filter", filter]);
    fields.push(["Sink", sinkText(t.spec?.subscriber)]);
    if (t.status?.subscriberUri) fields.push(["Sink URI", t.status.subscriberUri]);
    return fields;
  }),
  deleteCommand(["trigger", "delete"], TRIGGER),
];
