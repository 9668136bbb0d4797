/**
 * One platform node: store, bundles, supervisor, reconcilers, the data plane and the admin API,
 * wired together and started; `stop()` drains and ends them in order.
 */
import { ConfigError, type ServeConfig } from "./config.ts";
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
import { LogStore } from "./logs/log_store.ts";
import { RevisionLogs } from "./logs/revision_logs.ts";
import { AccessLogSwitch } from "./logs/access_log_switch.ts";
import { systemClock } from "./clock/clock.ts";
import { Tracing } from "./tracing/tracing.ts";
import { traceRequestDone } from "./tracing/activator_spans.ts";
import { sampledTraceId } from "./tracing/request_spans.ts";
import { renderTracingMetrics } from "./tracing/tracing_metrics.ts";
import { RevisionRequestMetrics } from "./metrics/revision_request_metrics.ts";
import { renderAutoscalerMetrics } from "./metrics/autoscaler_metrics.ts";
import { DashboardHistory } from "./dashboard/dashboard_history.ts";
import { DASHBOARD_DEFAULTS } from "./config.ts";
import { type ExtensionHandle, type NodeParts, SINGLETON_LEASES } from "./extension.ts";
import { Leases } from "./cluster/leases.ts";
import { Cluster } from "./cluster/cluster.ts";
import { nodeKind } from "./cluster/node_kind.ts";
import { NodeRegistry } from "./cluster/node_registry.ts";
import { clusterReplicaCounter } from "./cluster/cluster_replicas.ts";
import { onceClaimer } from "./cluster/once_claims.ts";
import { PostgresResourceStore } from "./store/postgres_resource_store.ts";
import { CLUSTER_DEFAULTS } from "./config.ts";
import { REQUEST_LIMITS } from "./config.ts";
import { requestBodyTemplateValidator } from "./limits/request_body_annotation.ts";
import { allowNetTemplateValidator } from "./limits/allow_net_annotation.ts";
import { strictSandboxTools } from "./supervisor/net_sandbox.ts";
import { RevisionBodyLimits } from "./limits/revision_body_limits.ts";
import { FailedLoginThrottle } from "./limits/failed_login_throttle.ts";
import { deniedNetwork } from "./supervisor/network_policy.ts";
import { type HttpListener, serveGuarded } from "./http/guarded_server.ts";

export class PlatformNode {
  #stopping = false;
  #unwatch: () => void = () => {};
  #extensions: ExtensionHandle[] = [];
  #autoscaler: Autoscaler | null = null;
  #admin: AdminApi | null = null;
  #apiServer: HttpsServer | null = null;
  #tracing: Tracing | null = null;
  #history: DashboardHistory | null = null;
  #cluster: Cluster | null = null;
  #nodes: NodeRegistry | null = null;
  #leases: Leases | null = null;
  /** Set on stop: the data port's /healthz answers 503 so load balancers move away first. */
  #health = { draining: false };

  private constructor(
    readonly config: ServeConfig,
    readonly token: string,
    readonly store: ResourceStore,
    readonly supervisor: Supervisor,
    readonly controller: ServingController,
    private readonly dataServer: HttpListener,
    private readonly adminServer: HttpListener,
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
    const strictNet = config.netSandbox === "strict" ? await strictNetSandbox() : undefined;
    const state = await Deno.realPath(await ensureDir(config.state));
    const cluster = config.database
      ? await Cluster.open(config.database, config.nodeName ?? `${Deno.hostname()}:${config.port}`)
      : null;
    let token = config.token ?? await loadOrCreateToken(`${state}/admin-token`);
    if (cluster && !config.token) {
      await cluster.shareAdminToken(`${state}/admin-token`);
      token = await loadOrCreateToken(`${state}/admin-token`);
    }
    const store = cluster ? cluster.openStore(state) : new ResourceStore(`${state}/resources.db`);
    const bundles = new BundleStore(`${state}/bundles`, cluster?.bundles);
    const kinds = new KindRegistry();
    const autoscalingValidator = autoscalingTemplateValidator(config.autoscaler);
    const allowNetValidator = allowNetTemplateValidator(
      [config.adminPort, config.apiPort].filter((p) => p > 0),
      config.netSandbox,
    );

    kinds.register(
      ...servingKinds((t) => [
        ...autoscalingValidator(t),
        ...requestBodyTemplateValidator(t),
        ...allowNetValidator(t),
      ]),
    );
    kinds.register(namespaceKind(), configMapKind());
    if (cluster) kinds.register(nodeKind());

    const functionLogs = new LogStore(config.functionLogs, systemClock);
    const accessLog = new AccessLogSwitch(store);
    const revisionLogs = new RevisionLogs(
      functionLogs,
      (ns, svc) => accessLog.on(ns, svc),
      systemClock,
      log.child("function"),
    );
    const tracing = new Tracing(config.tracing);
    const requestMetrics = new RevisionRequestMetrics();
    const health = { draining: false };
    const late: { controller?: ServingController; autoscaler?: Autoscaler; nodes?: NodeRegistry } = {};
    const supervisor = await Supervisor.start({
      // Pool hosts keep V8's code cache there: a revision's later instances skip compiling its code.
      denoDir: config.denoDir ?? `${state}/deno-cache`,
      logs: {
        printed: (spec, instance, line) => revisionLogs.printed(spec, instance, line),
        requestDone: (spec, done) => {
          revisionLogs.requestDone(spec, done, tracing.enabled ? sampledTraceId(done.request) : undefined);
          requestMetrics.observe(spec, done);
          if (tracing.enabled) traceRequestDone(tracing, spec.revision, done);
        },
      },
      denyNet: deniedNetwork({
        platformPorts: [config.adminPort, config.apiPort],
        platformServers: config.kafkaBootstrapServers,
        extra: config.denyNet,
        allow: config.allowNet,
      }),
      strictNet,
      log: log.child("supervisor"),
      hostSharing: config.hostSharing,
      limits: { webSocketCloseGraceMs: config.webSocketCloseGraceMs },
      onScaleChange: (ns, rev) => late.controller?.enqueue("Revision", ns, rev),
      askCapacity: (ns, rev) => late.autoscaler?.poke(ns, rev),
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
      revisionLimitDefaults: config.revisionLimitDefaults,
      clusterReplicas: cluster && store instanceof PostgresResourceStore
        ? clusterReplicaCounter(store.pg, cluster.nodeName, CLUSTER_DEFAULTS.nodeLeaseMs)
        : undefined,
    };

    const demandSources: (() => ExternalDemand[])[] = [];
    const leases = cluster
      ? new Leases({
        sql: cluster.sql,
        node: cluster.nodeName,
        names: [...SINGLETON_LEASES],
        durationMs: CLUSTER_DEFAULTS.leaseDurationMs,
        renewMs: CLUSTER_DEFAULTS.leaseRenewMs,
        log: log.child("leases"),
      })
      : null;
    const parts: NodeParts = {
      config,
      stateDir: state,
      store,
      bundles,
      supervisor,
      routes,
      scheme,
      log,
      tracing,
      dataPlaneFetch: (req) => Promise.resolve(dataPlane.fetch(req, {})),
      addScalingDemand: (source) => demandSources.push(source),
      cluster: cluster && config.database
        ? { databaseUrl: config.database, nodeName: cluster.nodeName }
        : undefined,
      claimOnce: cluster ? onceClaimer(cluster.sql, cluster.nodeName) : undefined,
      holdsLease: leases ? (name) => leases.holds(name) : undefined,
    };
    const extensions: ExtensionHandle[] = [];
    for (const ext of EXTENSIONS) extensions.push(await ext.create(parts));
    for (const ext of extensions) kinds.register(...ext.kinds ?? []);

    const dataPlane = createDataPlane({
      routes,
      domain: config.domain,
      poolFor: (ns, rev) => supervisor.pool(ns, rev) ?? poolForRevision(ctx, ns, rev),
      mount: (app) => {
        // For load balancers: no token, and never a function's own path (those match by host first).
        app.get("/healthz", (c) => health.draining ? c.text("draining", 503) : c.text("ok"));
        extensions.forEach((ext) => ext.mount?.(app));
      },
      tracing,
      limits: dataPlaneLimits(store, config),
    });
    const dataServer: HttpListener = config.guardDataPort
      ? await serveGuarded(
        { port: config.port, hostname: config.host, limits: config.connectionLimits },
        (req, info) => dataPlane.fetch(req, { remoteAddr: info.remoteAddr }),
      )
      : Deno.serve({
        port: config.port,
        hostname: config.host,
        onListen: () => {},
      }, (req, info) => dataPlane.fetch(req, { remoteAddr: info.remoteAddr }));
    scheme.port = config.publicPort ?? dataServer.addr.port;
    // Functions are told 127.0.0.1:<scheme.port> (functionReachableUrl); it leads to the data port.
    supervisor.openDataPlaneBridge(scheme.port, {
      hostname: dataServer.addr.hostname.replace(/^0\.0\.0\.0$/, "127.0.0.1").replace(/^::$/, "::1"),
      port: dataServer.addr.port,
    });

    let pending = new Set<string>();
    const functionsRoot = await Deno.realPath(config.functions).catch(() => config.functions);
    const names = await findFunctionDirs(functionsRoot);
    pending = new Set(names);
    const metricsText = () =>
      renderMetrics(supervisor, late.autoscaler) + requestMetrics.render() +
      renderAutoscalerMetrics(supervisor, late.autoscaler) + renderTracingMetrics(tracing) +
      extensions.map((e) => e.metrics?.() ?? "").join("");
    const history = new DashboardHistory({
      scrape: metricsText,
      clock: systemClock,
      intervalMs: DASHBOARD_DEFAULTS.sampleIntervalMs,
      windowMs: DASHBOARD_DEFAULTS.windowMs,
    });
    const admin = createAdminApi({
      dashboard: {
        history,
        intervalMs: DASHBOARD_DEFAULTS.sampleIntervalMs,
        traceUi: tracing.enabled ? new URL("/zipkin/", config.tracing.zipkinEndpoint).href : undefined,
      },
      loginThrottle: new FailedLoginThrottle({
        maxFailures: REQUEST_LIMITS.maxFailedLogins,
        windowMs: REQUEST_LIMITS.failedLoginWindowMs,
      }),
      store,
      bundles,
      kinds,
      token,
      logs: functionLogs,
      healthy: () => {
        for (const name of pending) {
          if (!settled(store.get<Service>("Service", "default", name))) return false;
          pending.delete(name);
        }
        return true;
      },
      metrics: metricsText,
    });
    // The same API over HTTPS for kubectl, which sends a bearer token only over TLS.
    const tlsHosts = ["127.0.0.1", "::1", "localhost", config.adminHost];
    let tls = await ensureTlsMaterial(`${state}/tls`, tlsHosts);
    // In a cluster every node's certificate comes from one CA, so one kubeconfig trusts them all.
    if (await cluster?.shareCa(`${state}/tls`)) tls = await ensureTlsMaterial(`${state}/tls`, tlsHosts);
    const apiServer = await serveHttps(
      {
        port: config.apiPort,
        hostname: config.adminHost,
        cert: tls.certPem,
        key: tls.keyPem,
        limits: config.connectionLimits,
      },
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
    const adminServer = await serveGuarded(
      { port: config.adminPort, hostname: config.adminHost, limits: config.connectionLimits },
      (req, info) => admin.app.fetch(req, { remoteAddr: info.remoteAddr }),
    );

    const autoscaler = late.autoscaler = new Autoscaler({
      store,
      supervisor,
      poolFor: (ns, rev) => supervisor.pool(ns, rev) ?? poolForRevision(ctx, ns, rev),
      defaults: config.autoscaler,
      log: log.child("autoscaler"),
      readyNodes: () => late.nodes?.readyCount ?? 1,
    });
    const controller = late.controller = new ServingController(ctx);
    controller.resyncAll();
    // Serve what was stored before taking new deploys: routes are rebuilt from the store first.
    await Promise.race([controller.queue.idle(), new Promise((r) => setTimeout(r, 10_000))]);
    const node = new PlatformNode(config, token, store, supervisor, controller, dataServer, adminServer, log);
    node.#extensions = extensions;
    node.#admin = admin;
    node.#apiServer = apiServer;
    node.#tracing = tracing;
    node.#history = history;
    history.start();
    node.#cluster = cluster;
    node.#health = health;
    if (cluster) {
      node.#nodes = late.nodes = new NodeRegistry({
        sql: cluster.sql,
        store,
        name: cluster.nodeName,
        host: config.host === "0.0.0.0" ? "127.0.0.1" : config.host,
        port: dataServer.addr.port,
        heartbeatIntervalMs: CLUSTER_DEFAULTS.heartbeatIntervalMs,
        leaseMs: CLUSTER_DEFAULTS.nodeLeaseMs,
        log: log.child("node"),
      });
      await node.#nodes.start();
      node.#leases = leases;
    }

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
    await leases?.start();
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
    this.#health.draining = true;
    if (this.#nodes) {
      await this.#nodes.stop();
      await this.#leases?.stop();
      // Give load balancers' health checks time to see the 503 before the port closes.
      await new Promise((r) => setTimeout(r, CLUSTER_DEFAULTS.drainNoticeMs));
    }
    this.#unwatch();
    this.#history?.stop();
    this.#autoscaler?.stop();
    this.controller.stop();
    const grace = this.config.drainTimeoutMs;
    // Open WebSockets get their grace period, then 1001 (Deno's server would close them at once).
    const socketGrace = Math.min(this.config.webSocketCloseGraceMs, grace);
    for (const pool of this.supervisor.pools()) {
      pool.retireSockets(socketGrace, "the platform is shutting down");
    }
    const socketsUntil = Date.now() + socketGrace + 1000;
    while (this.supervisor.pools().some((p) => p.openSockets > 0) && Date.now() < socketsUntil) {
      await new Promise((r) => setTimeout(r, 50));
    }
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
    // Spans still queued go out now, unless the endpoint keeps us waiting.
    await Promise.race([this.#tracing?.shutdown(), new Promise((r) => setTimeout(r, 2000))]);
    this.store.close();
    await this.#cluster?.close();
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

/** `--net-sandbox strict`'s tools, or a ConfigError saying why it cannot run here (it never falls back). */
async function strictNetSandbox() {
  const tools = await strictSandboxTools();
  if (typeof tools === "string") throw new ConfigError(`--net-sandbox strict: ${tools}`);
  return { tools };
}
