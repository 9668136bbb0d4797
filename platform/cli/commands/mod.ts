/** Every `dn` command, and the groups `dn --help` lists them under. */
import type { Command } from "../command.ts";
import { deployCommand } from "./deploy.ts";
import { applyCommand } from "./apply.ts";
import { serviceCommands } from "./service.ts";
import { revisionCommands } from "./revision.ts";
import { routeCommands } from "./route.ts";
import { brokerCommands } from "./broker.ts";
import { triggerCommands } from "./trigger.ts";
import { sourceCommands } from "./source.ts";
import { exportCommand } from "./export.ts";
import { kubeconfigCommand } from "./kubeconfig.ts";
import { logsCommand } from "./logs.ts";
import { nodeCommands } from "./node.ts";

export const COMMANDS: Command[] = [
  deployCommand,
  applyCommand,
  ...serviceCommands,
  ...revisionCommands,
  ...routeCommands,
  ...brokerCommands,
  ...triggerCommands,
  ...sourceCommands,
  exportCommand,
  kubeconfigCommand,
  logsCommand,
  ...nodeCommands,
];

/** The command groups, by their path, with what `dn --help` says of them. */
export const GROUPS: Record<string, string> = {
  "service": "Knative Services: list, describe, update, delete",
  "revision": "Revisions of Services: list, describe, delete",
  "route": "Routes of Services: list, describe",
  "broker": "Event brokers: create, list, describe, delete",
  "trigger": "Triggers (broker subscriptions): create, list, describe, delete",
  "source": "Event sources: list; ping, kafka, github, apiserver",
  "source ping": "Ping sources (cron): create, list, describe, delete",
  "source kafka": "Kafka sources: create, list, describe, delete",
  "source github": "GitHub sources (webhooks): create, list, describe, delete",
  "source apiserver": "API server sources (resource changes): create, list, describe, delete",
  "node": "Platform nodes of a cluster (--database): list",
};

/** Other words kn accepts for command words (`ksvc`, `ls`, `rm`, plurals). */
export const ALIASES: Record<string, string> = {
  ksvc: "service",
  services: "service",
  revisions: "revision",
  routes: "route",
  brokers: "broker",
  triggers: "trigger",
  sources: "source",
  nodes: "node",
  ls: "list",
  rm: "delete",
};
