/**
 * `dn`: reads the command line, finds the command, runs it and turns every failure into one line
 * on stderr and an exit status (1 for a failure, 2 for a command line that does not make sense).
 */
import { type FlagSpec, parseArgs } from "./args.ts";
import { CliError, oneLine, UsageError } from "./cli_error.ts";
import { type Command, type CommandContext, Flags } from "./command.ts";
import { ALIASES, COMMANDS, GROUPS } from "./commands/mod.ts";
import { GLOBAL_FLAGS } from "./global_flags.ts";
import { commandHelp, groupHelp, topHelp, usageLine } from "./help.ts";
import { parseOutputFormat } from "./output.ts";
import { connect } from "./connect.ts";
import type { FetchFn } from "./admin_client.ts";

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
  /** Environment for finding the platform (`DENATIVE_ADMIN`, `DENATIVE_TOKEN`...); the process's when absent. */
  env?: Record<string, string | undefined>;
  fetch?: FetchFn;
  now?: () => Date;
}

/**
 * Every flag any command knows, so that the command line can be read before the command is known.
 * Two commands may give a letter to different flags (`-s` is `--sink` and `--service`) as long as
 * both take a value, so either reading skips the same words.
 */
export function allFlags(commands: Command[] = COMMANDS): FlagSpec[] {
  const byName = new Map<string, FlagSpec>();
  for (const f of [...GLOBAL_FLAGS, ...commands.flatMap((c) => c.flags ?? [])]) {
    if (!byName.has(f.name)) byName.set(f.name, f);
  }
  return [...byName.values()];
}

const canonical = (word: string) => ALIASES[word] ?? word;

/** The command whose words start `positionals` (aliases allowed), with the words that remain. */
export function findCommand(positionals: string[]): { command: Command; args: string[] } | undefined {
  let best: Command | undefined;
  for (const c of COMMANDS) {
    if (c.path.length > positionals.length) continue;
    if (c.path.every((w, i) => canonical(positionals[i]) === w) && c.path.length > (best?.path.length ?? 0)) {
      best = c;
    }
  }
  return best ? { command: best, args: positionals.slice(best.path.length) } : undefined;
}

/** The longest command group that `positionals` start with, e.g. `["source", "ping"]`. */
function findGroup(positionals: string[]): string[] | undefined {
  for (let n = Math.min(positionals.length, 2); n > 0; n--) {
    const words = positionals.slice(0, n).map(canonical);
    if (GROUPS[words.join(" ")] !== undefined) return words;
  }
  return undefined;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  /** Where a usage error points the user. */
  let hint = "dn --help";
  try {
    // Every flag any command knows tells which words are flag values; the command's own flags come next.
    const { flags: early, positionals } = parseArgs(argv, allFlags(), { lenient: true });
    if (positionals[0] === "help") return help(positionals.slice(1), io);
    if (!positionals.length) {
      parseArgs(argv, GLOBAL_FLAGS); // refuses flags no command has
      io.out(topHelp(COMMANDS, GROUPS));
      return 0;
    }
    const found = findCommand(positionals);
    if (!found) {
      const group = findGroup(positionals);
      if (group && (positionals.length === group.length)) {
        io.out(groupHelp(group, COMMANDS, GROUPS));
        return 0;
      }
      if (group) hint = `dn help ${group.join(" ")}`;
      throw new UsageError(`unknown command "${positionals.join(" ")}"`);
    }
    const { command } = found;
    hint = `dn help ${command.path.join(" ")}`;
    if (early.help === true) {
      io.out(commandHelp(command));
      return 0;
    }
    // Read again with the command's own flags: they tell which words are flag values for this command.
    const parsed = parseArgs(argv, [...GLOBAL_FLAGS, ...(command.flags ?? [])]);
    const flags = new Flags(parsed.flags);
    const args = parsed.positionals.slice(command.path.length);
    const min = command.minArgs ?? 0;
    const max = command.maxArgs ?? min;
    if (args.length < min) {
      throw new UsageError(`missing ${command.args ?? "arguments"}: usage: ${usageLine(command)}`);
    }
    if (args.length > max) {
      throw new UsageError(`unexpected argument "${args[max]}": usage: ${usageLine(command)}`);
    }
    const output = command.outputIsPath ? undefined : parseOutputFormat(flags.string("output"));
    const client = await connect({
      admin: flags.string("admin"),
      token: flags.string("token"),
      state: flags.string("state"),
      env: io.env,
      fetch: io.fetch,
    });
    const ctx: CommandContext = {
      client: () => client,
      namespace: flags.string("namespace") || "default",
      allNamespaces: flags.bool("all-namespaces"),
      output,
      out: io.out,
      err: io.err,
      readStdin: io.readStdin,
      now: io.now ?? (() => new Date()),
    };
    await command.run(ctx, args, flags);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`dn: ${oneLine(err.message)} (see '${hint}')`);
      return err.exitCode;
    }
    if (err instanceof CliError) {
      io.err(`dn: ${oneLine(err.message)}`);
      return err.exitCode;
    }
    io.err(`dn: unexpected error: ${oneLine(err instanceof Error ? err.message : String(err))}`);
    return 1;
  }
}

function help(words: string[], io: CliIo): number {
  if (!words.length) {
    io.out(topHelp(COMMANDS, GROUPS));
    return 0;
  }
  const found = findCommand(words);
  if (found && !found.args.length) {
    io.out(commandHelp(found.command));
    return 0;
  }
  const group = findGroup(words);
  if (group && group.length === words.length) {
    io.out(groupHelp(group, COMMANDS, GROUPS));
    return 0;
  }
  io.err(`dn: no help for "${words.join(" ")}": no such command (see 'dn --help')`);
  return 2;
}
