/** `dn --help`, `dn help GROUP` and `dn help COMMAND`: short usage text built from the command table. */
import type { FlagSpec } from "./args.ts";
import type { Command } from "./command.ts";
import { GLOBAL_FLAGS } from "./global_flags.ts";

function twoColumns(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}   ${b}`).join("\n");
}

function flagRows(flags: FlagSpec[]): [string, string][] {
  return flags.map((f) => {
    const names = `${f.short ? `-${f.short}, ` : "    "}--${f.name}`;
    const value = f.type === "boolean" ? "" : ` ${f.placeholder ?? "VALUE"}`;
    return [`${names}${value}`, f.description];
  });
}

export function usageLine(c: Command): string {
  return `dn ${c.path.join(" ")}${c.args ? ` ${c.args}` : ""}${c.flags?.length ? " [flags]" : ""}`;
}

export function topHelp(commands: Command[], groups: Record<string, string>): string {
  const topLevel: [string, string][] = commands.filter((c) => c.path.length === 1).map((c) => [
    `${c.path[0]}${c.args ? ` ${c.args}` : ""}`,
    c.summary,
  ]);
  const groupRows: [string, string][] = Object.entries(groups).filter(([g]) => !g.includes(" "));
  return [
    "dn: the Denative command-line client. Verbs and flags follow Knative's kn.",
    "",
    "Usage: dn COMMAND [ARGS] [flags]",
    "",
    "Commands:",
    twoColumns([...topLevel, ...groupRows, ["help [COMMAND]", "Help about a command"]]),
    "",
    "Global flags:",
    twoColumns(flagRows(GLOBAL_FLAGS)),
    "",
    "Run 'dn help COMMAND' (e.g. 'dn help service update') for more about a command.",
  ].join("\n");
}

export function groupHelp(prefix: string[], commands: Command[], groups: Record<string, string>): string {
  const key = prefix.join(" ");
  const rows: [string, string][] = [];
  for (const [g, summary] of Object.entries(groups)) {
    const words = g.split(" ");
    if (words.length === prefix.length + 1 && g.startsWith(`${key} `)) {
      rows.push([`${words.at(-1)} ...`, summary]);
    }
  }
  for (const c of commands) {
    if (c.path.length === prefix.length + 1 && c.path.join(" ").startsWith(`${key} `)) {
      rows.push([`${c.path.at(-1)}${c.args ? ` ${c.args}` : ""}`, c.summary]);
    }
  }
  return [
    `dn ${key}: ${groups[key] ?? ""}`,
    "",
    `Usage: dn ${key} COMMAND [ARGS] [flags]`,
    "",
    "Commands:",
    twoColumns(rows),
    "",
    `Run 'dn help ${key} COMMAND' for more about a command.`,
  ].join("\n");
}

export function commandHelp(c: Command): string {
  const parts = [`${c.summary}.`, "", `Usage: ${usageLine(c)}`];
  if (c.details) parts.push("", c.details);
  if (c.flags?.length) parts.push("", "Flags:", twoColumns(flagRows(c.flags)));
  parts.push("", "Global flags:", twoColumns(flagRows(GLOBAL_FLAGS)));
  return parts.join("\n");
}
