/** `-o json|yaml`: objects printed for machines, as the admin API answers them. */
import YAML from "yaml";
import { UsageError } from "./cli_error.ts";

export type OutputFormat = "json" | "yaml";

export function parseOutputFormat(value: string | undefined): OutputFormat | undefined {
  if (value === undefined) return undefined;
  if (value === "json" || value === "yaml") return value;
  throw new UsageError(`-o ${value}: want json or yaml`);
}

export function renderOutput(value: unknown, format: OutputFormat): string {
  return format === "json" ? JSON.stringify(value, null, 2) : YAML.stringify(value).trimEnd();
}
