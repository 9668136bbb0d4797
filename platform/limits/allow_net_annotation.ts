/**
 * `denative.dev/allow-net` on a Service's revision template widens what its functions may reach:
 * `"127.0.0.1:5432"`, or a comma list of `host:port`. Each entry is taken off the deny list of the
 * pool hosts its instances run in, which are then hosts of their own (platform/supervisor/host_pool.ts):
 * Deno's permissions apply per process, and an isolate's cannot be narrower than "all but a list".
 * Entries must match the deny list as written (`127.0.0.1:5432` opens that name and port only, not
 * `localhost:5432`). The platform's own endpoints (admin and API ports, every-interface addresses,
 * the cloud metadata address) cannot be allowed. With `--net-sandbox strict` the annotation is refused:
 * pool hosts there have no route to the machine's addresses at all, and opening one would need
 * forwarding that this platform does not do (platform/supervisor/net_sandbox.ts).
 */
import type { FieldError } from "../resources/field_errors.ts";
import type { RevisionTemplate } from "../resources/service.ts";
import { DENIED_HOSTS } from "../supervisor/network_policy.ts";
import type { NetSandbox } from "../config.ts";

export const ALLOW_NET_ANNOTATION = "denative.dev/allow-net";

const ENTRY = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):(\d{1,5})$/;

/** The entries of the annotation, or undefined when there is none. Assumes it was validated. */
export function allowedNetwork(annotations: Record<string, string> | undefined): string[] | undefined {
  const text = annotations?.[ALLOW_NET_ANNOTATION];
  if (text === undefined) return undefined;
  const entries = text.split(",").map((s) => s.trim()).filter(Boolean);
  return entries.length > 0 ? entries : undefined;
}

/** What is wrong with one entry, or null. `platformPorts` are the admin and API ports. */
export function allowNetEntryProblem(entry: string, platformPorts: readonly number[]): string | null {
  const match = ENTRY.exec(entry);
  if (!match) return `"${entry}" is not host:port`;
  const [, host, portText] = match;
  const port = Number(portText);
  if (port < 1 || port > 65535) return `"${entry}": ${portText} is not a port`;
  if ((DENIED_HOSTS as readonly string[]).includes(host)) {
    return `"${entry}": ${host} cannot be allowed (no listening on every interface, no cloud metadata)`;
  }
  if (platformPorts.includes(port)) {
    return `"${entry}": port ${port} is the platform's own (admin or API) and cannot be allowed`;
  }
  return null;
}

/** Refuses a template whose annotation has a malformed entry or names the platform's own endpoints. */
export function allowNetTemplateValidator(
  platformPorts: readonly number[],
  sandbox: NetSandbox = "permissions",
) {
  return (template: RevisionTemplate): FieldError[] => {
    const text = template.metadata?.annotations?.[ALLOW_NET_ANNOTATION];
    if (text === undefined) return [];
    const path = `spec.template.metadata.annotations[${ALLOW_NET_ANNOTATION}]`;
    if (sandbox === "strict") {
      return [{
        path,
        message: "is not supported with --net-sandbox strict (functions reach the data plane only there)",
      }];
    }
    const entries = text.split(",").map((s) => s.trim());
    if (entries.every((e) => e === "")) {
      return [{ path, message: "is empty; give host:port entries like 127.0.0.1:5432" }];
    }
    return entries.filter((e) => e !== "").flatMap((entry) => {
      const problem = allowNetEntryProblem(entry, platformPorts);
      return problem ? [{ path, message: problem }] : [];
    });
  };
}
