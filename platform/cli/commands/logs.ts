/**
 * `dn logs SERVICE [--revision R] [-f] [--since 10m] [--tail N] [-o json]`: what a Service's functions
 * printed and its access lines, from the platform's log store; `-f` keeps following.
 */
import type { Command } from "../command.ts";
import { UsageError } from "../cli_error.ts";
import type { LogEntry } from "../../logs/log_entry.ts";

/** One entry as people read it: time, revision/instance, level, message. */
export function formatLogLine(e: LogEntry): string {
  const where = e.instance === undefined ? e.revision : `${e.revision}/${e.instance}`;
  const level = e.kind === "access" ? "access" : e.level;
  return `${new Date(e.time).toISOString()} ${where} ${level.toUpperCase()} ${e.message}`;
}

export const logsCommand: Command = {
  path: ["logs"],
  args: "SERVICE",
  minArgs: 1,
  summary: "Print what a Service's functions printed, and its access lines",
  details: "Examples:\n  dn logs hello --since 10m\n  dn logs hello --revision hello-00002 -f\n" +
    "  dn logs hello --tail 20 -o json\n" +
    'Access lines are written unless the Service has the annotation logging.denative.dev/access-log: "false".',
  flags: [
    { name: "revision", placeholder: "REV", description: "only this revision's lines" },
    { name: "follow", short: "f", type: "boolean", description: "keep printing new lines as they come" },
    {
      name: "since",
      placeholder: "DURATION",
      description: "only lines newer than this (10m, 1h) or an RFC 3339 time",
    },
    { name: "tail", placeholder: "N", description: "only the last N lines (before following)" },
  ],
  async run(ctx, [service], flags) {
    const params = new URLSearchParams();
    const revision = flags.string("revision");
    if (revision) params.set("revision", revision);
    const since = flags.string("since");
    if (since) params.set("since", since);
    const tail = flags.string("tail");
    if (tail !== undefined) {
      if (!/^\d+$/.test(tail)) throw new UsageError(`--tail: "${tail}" is not a non-negative integer`);
      params.set("tail", tail);
    }
    if (flags.bool("follow")) params.set("follow", "true");
    const path = `/logs/namespaces/${encodeURIComponent(ctx.namespace)}/services/${
      encodeURIComponent(service)
    }?${params}`;
    if (ctx.output === "yaml") throw new UsageError("-o yaml: logs print as text or JSON lines (-o json)");
    const json = ctx.output === "json";
    const body = await ctx.client().stream(path);
    const lines = body.pipeThrough(new TextDecoderStream());
    let rest = "";
    for await (const chunk of lines) {
      rest += chunk;
      const parts = rest.split("\n");
      rest = parts.pop()!;
      for (const line of parts) {
        if (!line) continue;
        ctx.out(json ? line : formatLogLine(JSON.parse(line) as LogEntry));
      }
    }
  },
};
