/**
 * Command-line flags as kn (pflag) reads them: `--name value`, `--name=value`, `-n value`,
 * `-n=value`, `-nvalue`, repeatable flags, booleans (`--no-wait`, `--flag=false`) and `--` to end
 * the flags. Flags may come before, between or after the positional arguments.
 */
import { UsageError } from "./cli_error.ts";

export interface FlagSpec {
  /** Long name, without the dashes. */
  name: string;
  /** One-letter alias, without the dash. */
  short?: string;
  /** @default "string" */
  type?: "string" | "boolean";
  /** Collects every occurrence (`--traffic a=50 --traffic b=50`). */
  multiple?: boolean;
  /** What the value looks like in help, e.g. `REV=PCT`. */
  placeholder?: string;
  description: string;
}

export type FlagValue = string | boolean | string[];

export interface ParsedArgs {
  /** By long name; only flags that were given. */
  flags: Record<string, FlagValue>;
  positionals: string[];
}

const TRUE = new Set(["true", "1", "yes"]);
const FALSE = new Set(["false", "0", "no"]);

/**
 * Reads `args` against `specs`. `lenient` skips unknown flags instead of refusing them: enough to
 * find the positional words (the command) before the command's own flags are known.
 */
export function parseArgs(args: string[], specs: FlagSpec[], { lenient = false } = {}): ParsedArgs {
  const byLong = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const flags: Record<string, FlagValue> = {};
  const positionals: string[] = [];

  const set = (spec: FlagSpec, value: string | boolean) => {
    if (spec.multiple) {
      const prev = flags[spec.name];
      flags[spec.name] = [...(Array.isArray(prev) ? prev : []), String(value)];
    } else {
      flags[spec.name] = value;
    }
  };

  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    let spec: FlagSpec | undefined;
    let inline: string | undefined;
    let shown: string;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      if (eq >= 0) inline = arg.slice(eq + 1);
      spec = byLong.get(name);
      shown = `--${name}`;
    } else {
      const letter = arg[1];
      spec = byShort.get(letter);
      shown = `-${letter}`;
      const rest = arg.slice(2);
      if (rest) inline = rest.startsWith("=") ? rest.slice(1) : rest;
      if (spec && spec.type === "boolean" && rest && !rest.startsWith("=")) {
        throw new UsageError(`unknown shorthand flag: '${letter}' in ${arg}`);
      }
    }
    if (!spec) {
      if (lenient) continue;
      throw new UsageError(`unknown flag: ${shown}`);
    }
    if (spec.type === "boolean") {
      if (inline === undefined) set(spec, true);
      else if (TRUE.has(inline.toLowerCase())) set(spec, true);
      else if (FALSE.has(inline.toLowerCase())) set(spec, false);
      else throw new UsageError(`invalid value "${inline}" for ${shown}: want true or false`);
      continue;
    }
    if (inline === undefined) {
      // Leniently, a letter two commands share (`-f` is apply's file and logs' follow) may be the boolean.
      if (i + 1 >= args.length && lenient) break;
      if (i + 1 >= args.length) throw new UsageError(`flag needs an argument: ${shown}`);
      inline = args[++i];
    }
    set(spec, inline);
  }
  return { flags, positionals };
}
