/**
 * The list, describe, delete and create commands every kind shares; a kind brings its columns,
 * its describe fields and how its document is built from flags.
 */
import type { KObject } from "../../resources/meta.ts";
import type { FlagSpec } from "../args.ts";
import type { Command, CommandContext, Flags } from "../command.ts";
import { type ResourceKind, resourcePath } from "../resource_kinds.ts";
import { formatFields, formatTable } from "../table.ts";
import { renderOutput } from "../output.ts";
import { ageOf } from "../age.ts";
import { describeConditions } from "../conditions.ts";

export interface KList<T extends KObject = KObject> {
  kind: string;
  items: T[];
}

export const ALL_NAMESPACES_FLAG: FlagSpec = {
  name: "all-namespaces",
  short: "A",
  type: "boolean",
  description: "list across all namespaces",
};

/** Fetches a list in the namespace, or across all with `-A`. */
export async function fetchList<T extends KObject>(
  ctx: CommandContext,
  kind: ResourceKind,
): Promise<KList<T>> {
  return await ctx.client().get<KList<T>>(resourcePath(kind, ctx.allNamespaces ? undefined : ctx.namespace));
}

/** Prints a list as a table (with a NAMESPACE column under `-A`), or raw under `-o`. */
export function printList<T extends KObject>(
  ctx: CommandContext,
  list: KList<T>,
  noun: string,
  headers: string[],
  row: (obj: T) => string[],
) {
  if (ctx.output) return ctx.out(renderOutput(list, ctx.output));
  if (!list.items.length) {
    return ctx.out(
      ctx.allNamespaces ? `No ${noun} found.` : `No ${noun} found in namespace '${ctx.namespace}'.`,
    );
  }
  const rows = list.items.map((o) => ctx.allNamespaces ? [o.metadata.namespace, ...row(o)] : row(o));
  ctx.out(formatTable(ctx.allNamespaces ? ["NAMESPACE", ...headers] : headers, rows));
}

export interface ListCommandSpec<T extends KObject> {
  path: string[];
  kind: ResourceKind;
  /** Plural words for "No ... found.", e.g. `ping sources`. */
  noun: string;
  headers: string[];
  row(obj: T, ctx: CommandContext): string[];
}

export function listCommand<T extends KObject>(spec: ListCommandSpec<T>): Command {
  return {
    path: spec.path,
    summary: `List ${spec.noun}`,
    flags: [ALL_NAMESPACES_FLAG],
    async run(ctx) {
      const list = await fetchList<T>(ctx, spec.kind);
      printList(ctx, list, spec.noun, spec.headers, (o) => spec.row(o, ctx));
    },
  };
}

/** Name, Namespace, Annotations and Age: the fields every describe starts with. */
export function headerFields(obj: KObject, now: Date): [string, string][] {
  const fields: [string, string][] = [["Name", obj.metadata.name], ["Namespace", obj.metadata.namespace]];
  const annotations = Object.entries(obj.metadata.annotations ?? {});
  if (annotations.length) fields.push(["Annotations", annotations.map(([k, v]) => `${k}=${v}`).join(", ")]);
  fields.push(["Age", ageOf(obj.metadata.creationTimestamp, now)]);
  return fields;
}

/** A describe page: the header fields, the kind's own, then the conditions. */
export function describePage(
  obj: KObject,
  now: Date,
  fields: [string, string][],
  sections: string[] = [],
): string {
  return [formatFields([...headerFields(obj, now), ...fields]), ...sections, describeConditions(obj, now)]
    .join("\n\n");
}

export function describeCommand<T extends KObject>(
  path: string[],
  kind: ResourceKind,
  fields: (obj: T, ctx: CommandContext) => [string, string][],
  sections: (obj: T, ctx: CommandContext) => string[] = () => [],
): Command {
  return {
    path,
    args: "NAME",
    minArgs: 1,
    summary: `Show details of a ${kind.kind}`,
    async run(ctx, [name]) {
      const obj = await ctx.client().get<T>(resourcePath(kind, ctx.namespace, name));
      if (ctx.output) return ctx.out(renderOutput(obj, ctx.output));
      ctx.out(describePage(obj, ctx.now(), fields(obj, ctx), sections(obj, ctx)));
    },
  };
}

export function deleteCommand(path: string[], kind: ResourceKind): Command {
  return {
    path,
    args: "NAME...",
    minArgs: 1,
    maxArgs: Infinity,
    summary: `Delete ${kind.kind}s`,
    async run(ctx, names) {
      for (const name of names) {
        await ctx.client().delete(resourcePath(kind, ctx.namespace, name));
        ctx.out(`${kind.kind} '${name}' successfully deleted in namespace '${ctx.namespace}'.`);
      }
    },
  };
}

export interface CreateCommandSpec {
  path: string[];
  kind: ResourceKind;
  summary: string;
  details?: string;
  flags: FlagSpec[];
  build(name: string, namespace: string, flags: Flags): Record<string, unknown>;
}

/** Creates the object, refused (409) when one of that name exists, as `kn ... create`. */
export function createCommand(spec: CreateCommandSpec): Command {
  return {
    path: spec.path,
    args: "NAME",
    minArgs: 1,
    summary: spec.summary,
    details: spec.details,
    flags: spec.flags,
    async run(ctx, [name], flags) {
      const doc = spec.build(name, ctx.namespace, flags);
      const created = await ctx.client().create<KObject>(resourcePath(spec.kind, ctx.namespace), doc);
      if (ctx.output) return ctx.out(renderOutput(created, ctx.output));
      ctx.out(`${spec.kind.kind} '${name}' successfully created in namespace '${ctx.namespace}'.`);
    },
  };
}
