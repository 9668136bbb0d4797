/**
 * `dn apply -f FILE`: create or replace every resource document in a file (YAML with `---`
 * separators, or JSON; `-` reads stdin; a directory means its .yaml, .yml and .json files), as
 * `kubectl apply` does, each PUT at the path its apiVersion and kind map to.
 */
import type { KObject } from "../../resources/meta.ts";
import type { Command, CommandContext } from "../command.ts";
import { CliError, UsageError } from "../cli_error.ts";
import { type Document, parseDocuments } from "../documents.ts";
import { kindOf, RESOURCE_KINDS, resourcePath } from "../resource_kinds.ts";
import { renderOutput } from "../output.ts";

export const applyCommand: Command = {
  path: ["apply"],
  args: "-f FILE",
  summary: "Create or update resources from YAML or JSON documents",
  details: [
    "Kinds (apiVersion kind):",
    ...RESOURCE_KINDS.filter((k) => !["Configuration", "Revision", "Route"].includes(k.kind))
      .map((k) => `  ${k.apiVersion} ${k.kind}`),
    "A document without metadata.namespace goes to -n (default: default).",
    "",
    "Examples:",
    "  dn apply -f service.yaml",
    "  cat eventing.yaml | dn apply -f -",
  ].join("\n"),
  flags: [{
    name: "filename",
    short: "f",
    multiple: true,
    placeholder: "FILE",
    description: "file, directory or - for stdin (repeatable)",
  }],
  async run(ctx, _args, flags) {
    const sources = flags.strings("filename");
    if (!sources.length) throw new UsageError("-f FILE is required (- reads stdin)");
    const docs: { doc: Document; source: string }[] = [];
    for (const source of sources) {
      for (const [name, text] of await readSource(ctx, source)) {
        docs.push(...parseDocuments(text, name).map((doc) => ({ doc, source: name })));
      }
    }
    const applied: KObject[] = [];
    const failures: string[] = [];
    for (const { doc, source } of docs) {
      try {
        const { object, line } = await applyOne(ctx, doc, source);
        applied.push(object);
        if (!ctx.output) ctx.out(line);
      } catch (err) {
        if (!(err instanceof CliError)) throw err;
        failures.push(err.message);
      }
    }
    if (ctx.output && applied.length) {
      ctx.out(
        renderOutput(
          applied.length === 1 ? applied[0] : { apiVersion: "v1", kind: "List", items: applied },
          ctx.output,
        ),
      );
    }
    if (failures.length) {
      for (const f of failures.slice(0, -1)) ctx.err(`dn: ${f}`);
      throw new CliError(failures.at(-1)!);
    }
  },
};

async function applyOne(ctx: CommandContext, doc: Document, source: string) {
  const apiVersion = typeof doc.apiVersion === "string" ? doc.apiVersion : "";
  const kindName = typeof doc.kind === "string" ? doc.kind : "";
  const meta = (doc.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  const name = typeof meta.name === "string" ? meta.name : "";
  const label = `${kindName || "?"}/${name || "?"}`;
  if (!apiVersion || !kindName) throw new CliError(`${source}: ${label}: apiVersion and kind are required`);
  if (!name) throw new CliError(`${source}: ${label}: metadata.name is required`);
  const kind = kindOf(apiVersion, kindName);
  if (!kind) {
    throw new CliError(`${source}: ${label}: dn does not know the kind "${kindName}" in "${apiVersion}"`);
  }
  const namespace = typeof meta.namespace === "string" && meta.namespace ? meta.namespace : ctx.namespace;
  try {
    const { object, created } = await ctx.client().put<KObject>(resourcePath(kind, namespace, name), doc);
    return { object, line: `${kind.kind}/${name} ${created ? "created" : "configured"}` };
  } catch (err) {
    if (err instanceof CliError && !(err instanceof UsageError)) {
      throw new CliError(`${label}: ${err.message}`);
    }
    throw err;
  }
}

/** The texts `-f` names: a file, a directory's documents, or stdin. */
async function readSource(ctx: CommandContext, source: string): Promise<[string, string][]> {
  if (source === "-") return [["stdin", await ctx.readStdin()]];
  try {
    const info = await Deno.stat(source);
    if (!info.isDirectory) return [[source, await Deno.readTextFile(source)]];
    const names: string[] = [];
    for await (const e of Deno.readDir(source)) {
      if (e.isFile && /\.(ya?ml|json)$/i.test(e.name)) names.push(e.name);
    }
    return await Promise.all(
      names.sort().map(async (
        n,
      ): Promise<[string, string]> => [`${source}/${n}`, await Deno.readTextFile(`${source}/${n}`)]),
    );
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw new CliError(`${source}: no such file or directory`);
    throw new CliError(`cannot read ${source}: ${(err as Error).message}`);
  }
}
