/**
 * The documents in a file given to `dn apply -f`: YAML (several, `---` apart) or JSON, each one
 * resource or a `List` of them, as `kubectl apply` reads them.
 */
import YAML from "yaml";
import { CliError } from "./cli_error.ts";

export type Document = Record<string, unknown>;

export function parseDocuments(text: string, source: string): Document[] {
  const trimmed = text.trimStart();
  let values: unknown[];
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      values = [JSON.parse(trimmed)];
    } catch (err) {
      throw new CliError(`${source} is not valid JSON: ${(err as Error).message}`);
    }
  } else {
    values = YAML.parseAllDocuments(text).map((doc, i) => {
      if (doc.errors.length) {
        throw new CliError(
          `${source}: document ${i + 1} is not valid YAML: ${doc.errors[0].message.split("\n")[0]}`,
        );
      }
      return doc.toJS();
    });
  }
  const docs = values.flatMap(expandList).filter((d) => d !== null && d !== undefined);
  if (!docs.length) throw new CliError(`${source} holds no resource documents`);
  return docs.map((d, i) => {
    if (typeof d !== "object" || Array.isArray(d)) {
      throw new CliError(`${source}: document ${i + 1} is not an object`);
    }
    return d as Document;
  });
}

function expandList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(expandList);
  if (value && typeof value === "object") {
    const { kind, items } = value as { kind?: unknown; items?: unknown };
    if (typeof kind === "string" && kind.endsWith("List") && Array.isArray(items)) {
      return items.flatMap(expandList);
    }
  }
  return [value];
}
