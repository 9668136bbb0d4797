/**
 * One platform node: store, bundles, supervisor, reconcilers, the data plane and the admin API,
 * wired together and started; `stop()` drains and ends them in order.
 */
import type { ServeConfig } from "./config.ts";
import type { Logger } from "./log.ts";
import { ResourceStore } from "./store/resource_store.ts";
import { BundleStore } from "./store/bundle_store.ts";
import { Supervisor } from "./supervisor/supervisor.ts";
import { RouteTable } from "./router/route_table.ts";
import { createDataPlane } from "./router/data_plane.ts";
import { ServingController } from "./serving/serving_controller.ts";
import type { ServingContext } from "./serving/context.ts";
import { poolForRevision } from "./serving/revision_reconciler.ts";
import { KindRegistry } from "./resources/kinds.ts";
import { servingKinds } from "./resources/serving_registry.ts";
import { type AdminApi, createAdminApi } from "./api/admin_api.ts";
import { configMapKind, namespaceKind } from "./resources/core_kinds.ts";
import { ensureTlsMaterial } from "./api/k8s/tls_material.ts";
import { kubeconfigYaml, serverHost, writeKubeconfig } from "./api/k8s/kubeconfig.ts";
import { type HttpsServer, serveHttps } from "./api/k8s/https_server.ts";
import { renderMetrics } from "./api/metrics.ts";
import { deployFunctionDir, findFunctionDirs, watchFunctionDirs } from "./serving/function_dirs.ts";
import type { Service } from "./resources/service.ts";
import { getCondition } from "./resources/meta.ts";
import { loadOrCreateToken } from "./api/admin_token.ts";
import { serviceUrl } from "./serving/builders.ts";
import { EXTENSIONS } from "./extensions.ts";
import { Autoscaler, type ExternalDemand } from "./autoscaler/autoscaler_loop.ts";
import { autoscalingTemplateValidator } from "./autoscaler/template_validator.ts";
import { REQUEST_LIMITS } from "./config.ts";
import { requestBodyTemplateValidator } from "./limits/request_body_annotation.ts";
import { RevisionBodyLimits } from "./limits/revision_body_limits.ts";
import { FailedLoginThrottle } from "./limits/failed_login_throttle.ts";
import { deniedNetwork } from "./supervisor/network_policy.ts";
import type { ExtensionHandle, NodeParts } from "./extension.ts";

export class PlatformNode {
  #stopping = false;
  #unwatch: () => void = () => {};
  #extensions: ExtensionHandle[] = [];
  #autoscaler: Autoscaler | null = null;
  #admin: AdminApi | null = null;
  #apiServer: HttpsServer | null = null;

  private constructor(
    readonly config: ServeConfig,
    readonly token: string,
    readonly store: ResourceStore,
    readonly supervisor: Supervisor,
    readonly controller: ServingController,
    private readonly dataServer: Deno.HttpServer<Deno.NetAddr>,
    private readonly adminServer: Deno.HttpServer<Deno.NetAddr>,
    private readonly log: Logger,
  ) {}

  get port(): number {
    return this.dataServer.addr.port;
  }

  get adminPort(): number {
    return this.adminServer.addr.port;
  }

  /** The Kubernetes-compatible API's HTTPS port. */
  get apiPort(): number {
    return this.#apiServer?.port ?? 0;
  }

  static async start(config: ServeConfig, log: Logger): Promise<PlatformNode> {
    const state = await Deno.realPath(await ensureDir(config.state));
    const token = config.token ?? await loadOrCreateToken(`${state}/admin-token`);
    const store = new ResourceStore(`${state}/resources.db`);
    const bundles = new BundleStore(`${state}/bundles`);
    const kinds = new KindRegistry();
    const autoscalingValidator = autoscalingTemplateValidator(config.autoscaler);
    kinds.register(
      ...servingKinds((t) => [...autoscalingValidator(t), ...requestBodyTemplateValidator(t)]),
    );
    kinds.register(namespaceKind(), configMapKind());

    const late: { controller?: ServingController; autoscaler?: Autoscaler } = {};
    const supervisor = await Supervisor.start({
      denoDir: config.denoDir,
      denyNet: deniedNetwork({
        platformPorts: [config.adminPort, config.apiPort],
        platformServers: config.kafkaBootstrapServers,
        extra: config.denyNet,
        allow: config.allowNet,
      }),
      log: log.child("supervisor"),
      hostSharing: config.hostSharing,
      onScaleChange: (ns, rev) => late.controller?.enqueue("Revision", ns, rev),
      onColdRequest: (ns, rev) => late.autoscaler?.poke(ns, rev),
    });
    const routes = new RouteTable();
    // The data port is known once it listens; URLs in status use it.
    const scheme = { domain: config.domain, port: config.port };
    const ctx: ServingContext = {
      store,
      bundles,
      supervisor,
      routes,
      scheme,
      log: log.child("serving"),
      now: () => new Date(),
    };

    const demandSources: (() => ExternalDemand[])[] = [];
    const parts: NodeParts = {
      config,
      stateDir: state,
      store,
      bundles,
      supervisor,
      routes,
      scheme,
      log,
      dataPlaneFetch: (req) => Promise.resolve(dataPlane.fetch(req, {})),
      addScalingDemand: (source) => demandSources.push(source),
    };
    const extensions: ExtensionHandle[] = [];
    for (const ext of EXTENSIONS) extensions.push(await ext.create(parts));
    for (const ext of extensions) kinds.register(...ext.kinds ?? []);

    const dataPlane = createDataPlane({
      routes,
      domain: config.domain,
      poolFor: (ns, rev) => supervisor.pool(ns, rev) ?? poolForRevision(ctx, ns, rev),
      mount: (app) => extensions.forEach((ext) => ext.mount?.(app)),
      limits: dataPlaneLimits(store, config),
    });
    const dataServer = Deno.serve({
      port: config.port,
      hostname: config.host,
      onListen: () => {},
    }, (req, info) => dataPlane.fetch(req, { remoteAddr: info.remoteAddr }));
    scheme.port = dataServer.addr.port;

    let pending = new Set<string>();
    const functionsRoot = await Deno.realPath(config.functions).catch(() => config.functions);
    const names = await findFunctionDirs(functionsRoot);
    pending = new Set(names);
    const admin = createAdminApi({
      loginThrottle: new FailedLoginThrottle({
        maxFailures: REQUEST_LIMITS.maxFailedLogins,
        windowMs: REQUEST_LIMITS.failedLoginWindowMs,
      }),
      store,
      bundles,
      kinds,
      token,
      healthy: () => {
        for (const name of pending) {
          if (!settled(store.get<Service>("Service", "default", name))) return false;
          pending.delete(name);
        }
        return true;
      },
      metrics: () =>
        renderMetrics(supervisor, late.autoscaler) + extensions.map((e) => e.metrics?.() ?? "").join(""),
    });
    // The same API over HTTPS for kubectl, which sends a bearer token only over TLS.
    const tls = await ensureTlsMaterial(`${state}/tls`, ["127.0.0.1", "::1", "localhost", config.adminHost]);
    const apiServer = await serveHttps(
      { port: config.apiPort, hostname: config.adminHost, cert: tls.certPem, key: tls.keyPem },
      admin.app.fetch,
    );
    await writeKubeconfig(
      `${state}/kubeconfig`,
      kubeconfigYaml({
        server: `https://${serverHost(config.adminHost)}:${apiServer.port}`,
        caPem: tls.caPem,
        token,
      }),
    );
    // The plain admin port comes up last: a client that sees /healthz finds the kubeconfig written.
    const adminServer = Deno.serve(
      { port: config.adminPort, hostname: config.adminHost, onListen: () => {} },
      (req, info) => admin.app.fetch(req, { remoteAddr: info.remoteAddr }),
    );

    const autoscaler = late.autoscaler = new Autoscaler({
      store,
      supervisor,
      poolFor: (ns, rev) => supervisor.pool(ns, rev) ?? poolForRevision(ctx, ns, rev),
      defaults: config.autoscaler,
      log: log.child("autoscaler"),
    });
    const controller = late.controller = new ServingController(ctx);
    controller.resyncAll();
    // Serve what was stored before taking new deploys: routes are rebuilt from the store first.
    await Promise.race([controller.queue.idle(), new Promise((r) => setTimeout(r, 10_000))]);
    const node = new PlatformNode(config, token, store, supervisor, controller, dataServer, adminServer, log);
    node.#extensions = extensions;
    node.#admin = admin;
    node.#apiServer = apiServer;

    const deps = { store, bundles, kinds, log: log.child("functions") };
    for (const name of names) {
      try {
        await deployFunctionDir(deps, `${functionsRoot}/${name}`, name);
      } catch (err) {
        pending.delete(name);
        log.error(`deploying ${name} failed: ${(err as Error).message}`);
      }
    }
    for (const source of demandSources) autoscaler.addDemandSource(source);
    autoscaler.start();
    node.#autoscaler = autoscaler;
    for (const ext of extensions) await ext.start?.();
    if (config.watch) {
      node.#unwatch = watchFunctionDirs(deps, functionsRoot, config.watchDebounceMs, (name, svc) => {
        log.info(`${name} changed: deploying generation ${svc.metadata.generation}`);
      });
    }
    return node;
  }

  urlOf(service: string, namespace = "default"): string {
    return serviceUrl(service, namespace, { domain: this.config.domain, port: this.port });
  }

  /** Stops taking requests, lets in-flight ones finish (up to the drain timeout), then ends everything. */
  async stop() {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#unwatch();
    this.#autoscaler?.stop();
    this.controller.stop();
    const grace = this.config.drainTimeoutMs;
    await Promise.race([this.dataServer.shutdown(), new Promise((r) => setTimeout(r, grace))]);
    for (const ext of this.#extensions.reverse()) {
      try {
        await ext.stop?.();
      } catch (err) {
        this.log.warn(`stopping an extension failed: ${err}`);
      }
    }
    await this.supervisor.stop(1000);
    this.#admin?.close();
    await Promise.race([
      Promise.all([this.adminServer.shutdown(), this.#apiServer?.close()]),
      new Promise((r) => setTimeout(r, 1000)),
    ]);
    this.store.close();
    this.log.info("stopped");
  }
}

/** A Service is settled when its latest spec has been reconciled to Ready or Failed. */
function settled(svc: Service | undefined): boolean {
  if (!svc?.status || svc.status.observedGeneration !== svc.metadata.generation) return false;
  return (getCondition(svc, "Ready")?.status ?? "Unknown") !== "Unknown";
}

async function ensureDir(path: string): Promise<string> {
  await Deno.mkdir(path, { recursive: true });
  return path;
}

function dataPlaneLimits(store: ResourceStore, config: ServeConfig) {
  const bodyLimits = new RevisionBodyLimits(store, config.maxRequestBodyBytes);
  return {
    head: REQUEST_LIMITS,
    maxConcurrentRequests: REQUEST_LIMITS.maxConcurrentRequests,
    bodyLimitFor: (namespace: string, revision: string) => bodyLimits.limitFor(namespace, revision),
  };
}
