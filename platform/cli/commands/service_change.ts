/**
 * The end of `dn deploy` and `dn service update`: PUT the Service, wait until the platform has
 * rolled it out, and say so as kn does, naming the latest revision and the URL.
 */
import type { Service } from "../../resources/service.ts";
import type { FlagSpec } from "../args.ts";
import type { CommandContext, Flags } from "../command.ts";
import { CliError, UsageError } from "../cli_error.ts";
import { kindNamed, resourcePath } from "../resource_kinds.ts";
import { renderOutput } from "../output.ts";
import { waitForService } from "../service_wait.ts";

export const SERVICE = kindNamed("Service");

/** kn's default is 600 s; a function that has not booted in two minutes has a problem worth hearing about. */
const DEFAULT_WAIT_SECONDS = 120;

export const WAIT_FLAGS: FlagSpec[] = [
  {
    name: "wait-timeout",
    placeholder: "SECONDS",
    description: `how long to wait for the Service to be ready (default ${DEFAULT_WAIT_SECONDS})`,
  },
  { name: "no-wait", type: "boolean", description: "return once the change is accepted, without waiting" },
];

function waitTimeoutMs(flags: Flags): number {
  const raw = flags.string("wait-timeout");
  if (raw === undefined) return DEFAULT_WAIT_SECONDS * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--wait-timeout ${raw}: want a number of seconds`);
  }
  return seconds * 1000;
}

/**
 * Writes the Service and reports the outcome. `before` is the Service as it was (undefined when new),
 * to tell "created" from "updated" and a new revision from an unchanged one.
 */
export async function applyServiceAndWait(
  ctx: CommandContext,
  flags: Flags,
  doc: Service,
  before: Service | undefined,
): Promise<void> {
  const timeoutMs = waitTimeoutMs(flags);
  const { name, namespace } = doc.metadata;
  const path = resourcePath(SERVICE, namespace, name);
  const client = ctx.client();
  const { object: written } = await client.put<Service>(path, doc);
  const verb = before ? "updated" : "created";
  if (flags.bool("no-wait")) {
    if (ctx.output) return ctx.out(renderOutput(written, ctx.output));
    return ctx.out(`Service '${name}' ${verb} in namespace '${namespace}'.`);
  }
  const { service, progress } = await waitForService({
    get: () => client.get<Service>(path),
    generation: written.metadata.generation ?? 1,
    timeoutMs,
  });
  if (progress.state === "failed") {
    throw new CliError(
      `Service '${name}' is not ready: ${progress.reason}: ${progress.message || "no message"}`,
    );
  }
  if (ctx.output) return ctx.out(renderOutput(service, ctx.output));
  const latest = service.status?.latestReadyRevisionName ?? "";
  const url = service.status?.url ?? "";
  const newRevision = !before ||
    before.status?.latestCreatedRevisionName !== service.status?.latestCreatedRevisionName;
  ctx.out(
    newRevision
      ? `Service '${name}' ${verb} to latest revision '${latest}' is available at URL:\n${url}`
      : `Service '${name}' with latest revision '${latest}' (unchanged) is available at URL:\n${url}`,
  );
}
