/**
 * The kubeconfig written to `<state>/kubeconfig` (mode 0600): one cluster, user and context named
 * `denative`, trusting the platform's private CA and carrying the admin token.
 */
import YAML from "yaml";

export const KUBECONFIG_NAME = "denative";

export function kubeconfigYaml(opts: { server: string; caPem: string; token: string }): string {
  const name = KUBECONFIG_NAME;
  return YAML.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{
      name,
      cluster: { server: opts.server, "certificate-authority-data": base64(opts.caPem) },
    }],
    users: [{ name, user: { token: opts.token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: "default" } }],
    "current-context": name,
    preferences: {},
  });
}

/** Writes the file with owner-only permissions (it holds the admin token). */
export async function writeKubeconfig(path: string, text: string) {
  await Deno.writeTextFile(path, text, { mode: 0o600 });
  await Deno.chmod(path, 0o600);
}

/** The address kubectl should use for a listener bound on `host`. */
export function serverHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

function base64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}
