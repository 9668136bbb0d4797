/** `dn broker create|list|describe|delete`: event brokers, as `kn broker` manages them. */
import type { KObject } from "../../resources/meta.ts";
import type { Command } from "../command.ts";
import { kindNamed } from "../resource_kinds.ts";
import { ageOf } from "../age.ts";
import { conditionColumns } from "../conditions.ts";
import { BROKER_CLASS_ANNOTATION, brokerDocument } from "../eventing_documents.ts";
import { type Destination, sinkText } from "../sink.ts";
import { createCommand, deleteCommand, describeCommand, listCommand } from "./resource_commands.ts";

const BROKER = kindNamed("Broker");

interface Broker extends KObject {
  spec?: { delivery?: { deadLetterSink?: Destination } };
  status?: KObject["status"] & { address?: { url?: string } };
}

export const brokerCommands: Command[] = [
  createCommand({
    path: ["broker", "create"],
    kind: BROKER,
    summary: "Create a broker",
    details: "Examples:\n  dn broker create default\n  dn broker create orders --dl-sink ksvc:dead-letters",
    flags: [
      {
        name: "class",
        placeholder: "CLASS",
        description: `broker class (the ${BROKER_CLASS_ANNOTATION} annotation)`,
      },
      {
        name: "dl-sink",
        placeholder: "SINK",
        description: "where events that cannot be delivered go (ksvc:NAME, broker:NAME or URL)",
      },
    ],
    build: (name, ns, flags) =>
      brokerDocument(name, ns, { className: flags.string("class"), deadLetterSink: flags.string("dl-sink") }),
  }),
  listCommand<Broker>({
    path: ["broker", "list"],
    kind: BROKER,
    noun: "brokers",
    headers: ["NAME", "URL", "AGE", "CONDITIONS", "READY", "REASON"],
    row: (b, ctx) => [
      b.metadata.name,
      b.status?.address?.url ?? "",
      ageOf(b.metadata.creationTimestamp, ctx.now()),
      ...conditionColumns(b),
    ],
  }),
  describeCommand<Broker>(["broker", "describe"], BROKER, (b) => {
    const fields: [string, string][] = [["Address", b.status?.address?.url ?? ""]];
    const dls = b.spec?.delivery?.deadLetterSink;
    if (dls) fields.push(["Dead letter sink", sinkText(dls)]);
    return fields;
  }),
  deleteCommand(["broker", "delete"], BROKER),
];
