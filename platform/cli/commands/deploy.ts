/**
 * `dn deploy DIR`: upload a function directory as a code bundle and create or update its Service,
 * built exactly as the platform's own directory deploy builds it (`deployedService`).
 */
import YAML from "yaml";
import type { Service } from "../../resources/service.ts";
import { readFunctionDir } from "../../store/bundle_store.ts";
import { deployedService } from "../../serving/deploy.ts";
import type { Command } from "../command.ts";
import { CliError, UsageError } from "../cli_error.ts";
import { resourcePath } from "../resource_kinds.ts";
import { applyServiceAndWait, SERVICE, WAIT_FLAGS } from "./service_change.ts";

const ENTRY_FILES = ["main.ts", "main.js", "main.mjs", "main.tsx"];
const SERVICE_YAML = ["service.yaml", "service.yml"];
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export const deployCommand: Command = {
  path: ["deploy"],
  args: "DIR",
  minArgs: 1,
  summary: "Upload a function directory and create or update its Service",
  details: [
    "DIR holds main.ts (or main.js) and, optionally, a service.yaml Knative Service document.",
    "The Service is named after the directory unless --name says otherwise; a redeploy makes a new",
    "revision and keeps the traffic split. Waits until the revision is ready and prints its name and URL.",
    "",
    "Examples:",
    "  dn deploy functions/hello",
    "  dn deploy ./api --name orders -n shop",
  ].join("\n"),
  flags: [{
    name: "name",
    placeholder: "NAME",
    description: "the Service's name (default: the directory's name)",
  }, ...WAIT_FLAGS],
  async run(ctx, [dir], flags) {
    const name = flags.string("name") ?? await directoryName(dir);
    if (!DNS_LABEL.test(name) || name.length > 63) {
      const why = "lowercase letters, digits and '-', starting with a letter";
      throw flags.has("name")
        ? new UsageError(`--name ${name}: a Service name must be a DNS label (${why})`)
        : new UsageError(`the directory name "${name}" is not a valid Service name (${why}); pass --name`);
    }
    const files = await readDir(dir);
    if (!files.some((f) => ENTRY_FILES.includes(f.path))) {
      throw new CliError(`${dir} has no main.ts or main.js to deploy`);
    }
    const yamlFile = files.find((f) => SERVICE_YAML.includes(f.path));
    let serviceYaml: Record<string, unknown> | undefined;
    if (yamlFile) {
      try {
        serviceYaml = YAML.parse(new TextDecoder().decode(yamlFile.data)) ?? undefined;
      } catch (err) {
        throw new CliError(
          `${dir}/${yamlFile.path} is not valid YAML: ${(err as Error).message.split("\n")[0]}`,
        );
      }
      if (serviceYaml !== undefined && (typeof serviceYaml !== "object" || Array.isArray(serviceYaml))) {
        throw new CliError(`${dir}/${yamlFile.path} is not a Service document`);
      }
    }
    const client = ctx.client();
    const { digest } = await client.uploadBundle(files);
    const namespace = ctx.namespace;
    const existing = await client.find<Service>(resourcePath(SERVICE, namespace, name));
    const doc = deployedService({ name, namespace, digest, serviceYaml, existing });
    await applyServiceAndWait(ctx, flags, doc, existing);
  },
};

async function directoryName(dir: string): Promise<string> {
  let real: string;
  try {
    real = await Deno.realPath(dir);
  } catch {
    throw new CliError(`cannot deploy ${dir}: no such directory`);
  }
  return real.replace(/\/+$/, "").split("/").pop() ?? "";
}

async function readDir(dir: string) {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(dir);
  } catch {
    throw new CliError(`cannot deploy ${dir}: no such directory`);
  }
  if (!info.isDirectory) throw new CliError(`cannot deploy ${dir}: not a directory`);
  try {
    return await readFunctionDir(dir);
  } catch (err) {
    throw new CliError(`cannot read ${dir}: ${(err as Error).message}`);
  }
}
