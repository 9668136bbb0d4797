/**
 * `deno task serve`: one platform node with everything embedded.
 * Flags: see platform/config.ts (each also DENATIVE_<FLAG>).
 */
import { ConfigError, loadServeConfig } from "./config.ts";
import { createLogger, routeConsoleTo } from "./log.ts";
import { PlatformNode } from "./node.ts";
import { serverHost } from "./api/k8s/kubeconfig.ts";

let config;
try {
  config = loadServeConfig(Deno.args);
} catch (err) {
  console.error(`denative: ${err instanceof ConfigError || err instanceof TypeError ? err.message : err}`);
  Deno.exit(2);
}
const log = createLogger("denative", { quiet: config.quiet, format: config.logFormat });
if (config.logFormat === "json") routeConsoleTo(log);

const node = await PlatformNode.start(config, log).catch((err) => {
  // A setting this machine cannot honour (`--net-sandbox strict` without root...): a message, not a trace.
  if (!(err instanceof ConfigError)) throw err;
  console.error(`denative: ${err.message}`);
  Deno.exit(2);
});
const admin = `http://${serverHost(config.adminHost)}:${node.adminPort}`;
// The start banner is for people: on stdout as text, through the log as JSON, left out when quiet.
const banner = config.logFormat === "json" ? (line: string) => log.info(line) : console.log;
if (!config.quiet) {
  banner(`Denative is serving on port ${node.port} (functions from ${config.functions})`);
  for (const svc of node.store.list("Service")) {
    banner(
      `  ${svc.metadata.namespace}/${svc.metadata.name}  ${
        node.urlOf(svc.metadata.name, svc.metadata.namespace)
      }`,
    );
  }
  banner(`Dashboard: ${admin}/#token=${node.token}`);
  banner(`Admin API: ${admin}  (token in ${config.state}/admin-token)`);
  banner(
    `Kubernetes API: https://${
      serverHost(config.adminHost)
    }:${node.apiPort}  (KUBECONFIG=${config.state}/kubeconfig kubectl get ksvc)`,
  );
}

let signals = 0;
const shutdown = async () => {
  if (++signals > 1) Deno.exit(130);
  log.info("shutting down: no new requests, letting in-flight ones finish (Ctrl-C again to force)");
  await node.stop();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
