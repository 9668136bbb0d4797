/** What a `dn` command is: its words, arguments and flags, and what it does with a context. */
import type { FlagSpec, FlagValue } from "./args.ts";
import type { AdminClient } from "./admin_client.ts";
import type { OutputFormat } from "./output.ts";

export interface CommandContext {
  /** The admin API client. */
  client(): AdminClient;
  /** `-n` / `--namespace`, `default` when not given. */
  namespace: string;
  /** `-A` / `--all-namespaces`, for list commands. */
  allNamespaces: boolean;
  /** `-o json|yaml`: print objects for machines instead of text for people. */
  output?: OutputFormat;
  /** Writes a line (or lines) to stdout. */
  out(text: string): void;
  /** Writes a line to stderr (a failure among several; the last one is thrown). */
  err(text: string): void;
  readStdin(): Promise<string>;
  now(): Date;
}

export interface Command {
  /** The words after `dn`, e.g. `["service", "update"]`. */
  path: string[];
  /** The positional arguments as help shows them, e.g. `NAME` or `DIR`. */
  args?: string;
  /** @default 0 */
  minArgs?: number;
  /** @default minArgs */
  maxArgs?: number;
  summary: string;
  /** Examples and notes shown by `dn help COMMAND`. */
  details?: string;
  flags?: FlagSpec[];
  /** `-o` names a directory to write to (as `dn export -o DIR`), not an output format. */
  outputIsPath?: boolean;
  run(ctx: CommandContext, args: string[], flags: Flags): Promise<void>;
}

/** Typed reads of the flags a command was given. */
export class Flags {
  constructor(readonly values: Record<string, FlagValue>) {}

  string(name: string): string | undefined {
    const v = this.values[name];
    return Array.isArray(v) ? v.at(-1) : typeof v === "string" ? v : undefined;
  }

  strings(name: string): string[] {
    const v = this.values[name];
    return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
  }

  bool(name: string): boolean {
    return this.values[name] === true;
  }

  has(name: string): boolean {
    return name in this.values;
  }
}
