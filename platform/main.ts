/**
 * `deno task serve`: one platform node with everything embedded.
 * Flags: --port --admin-port --admin-host --api-port --state --functions --no-watch --domain --token
 * --kafka-bootstrap-servers (each also DENATIVE_<FLAG>).
 */
import { ConfigError, loadServeConfig } from "./config.ts";
import { createLogger } from "./log.ts";
import { PlatformNode } from "./node.ts";

const log = createLogger("denative");
let config;
try {
  config = loadServeConfig(Deno.args);
} catch (err) {
  console.error(`denative: ${err instanceof ConfigError || err instanceof TypeError ? err.message : err}`);
  Deno.exit(2);
}

const node = await PlatformNode.start(config, log);
const admin = `http://${config.adminHost === "0.0.0.0" ? "127.0.0.1" : config.adminHost}:${node.adminPort}`;
console.log(`Denative is serving on port ${node.port} (functions from ${config.functions})`);
for (const svc of node.store.list("Service")) {
  console.log(
    `  ${svc.metadata.namespace}/${svc.metadata.name}  ${
      node.urlOf(svc.metadata.name, svc.metadata.namespace)
    }`,
  );
}
console.log(`Dashboard: ${admin}/#token=${node.token}`);
console.log(`Admin API: ${admin}  (token in ${config.state}/admin-token)`);
console.log(
  `Kubernetes API: https://127.0.0.1:${node.apiPort}  (KUBECONFIG=${config.state}/kubeconfig kubectl get ksvc)`,
);

let signals = 0;
const shutdown = async () => {
  if (++signals > 1) Deno.exit(130);
  log.info("shutting down: no new requests, letting in-flight ones finish (Ctrl-C again to force)");
  await node.stop();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
