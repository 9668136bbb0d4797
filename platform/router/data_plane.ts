/**
 * The data plane: finds the Service a request is for (by host, as Knative, or by
 * `/function/{service}[.{namespace}]/...` path, as OpenFaaS), picks a revision by the route's
 * split or tag, and hands the request to that revision's pool. Host-routed requests (the hot path)
 * go straight to their revision; everything else goes through a Hono app.
 */
import { Hono } from "hono";
import type { RouteTable } from "./route_table.ts";
import { HostMatchCache } from "./host_match.ts";
import type { BackendLookup, RevisionBackend } from "./revision_backend.ts";
import { errorResponse } from "../http/error_response.ts";
import { type Span, SpanKind, type Tracing } from "../tracing/tracing.ts";
import { markTraced } from "../tracing/request_spans.ts";
import { type DataPlaneLimits, dispatchWithinBodyLimit, RequestGuard } from "../limits/data_plane_limits.ts";

export interface DataPlaneDeps {
  routes: RouteTable;
  domain: string;
  /** The revision's backend (a RevisionPool on a node; a fake in tests). */
  poolFor: BackendLookup;
  /** Other data-plane handlers (broker ingress, webhooks), tried when no Service matches. */
  mount?: (app: Hono<DataPlaneEnv>) => void;
  /** Spans for ingress, routing and each revision's handling, when tracing is on. */
  tracing?: Tracing;
  /** Input limits (head size, requests in flight, body size per revision); none when absent. */
  limits?: DataPlaneLimits;
}

export type DataPlaneEnv = { Bindings: { remoteAddr?: Deno.NetAddr } };

export interface DataPlane {
  /** Path routes, mounted handlers and the 404: what no Host matched. */
  readonly app: Hono<DataPlaneEnv>;
  /** The data port's handler: by Host to a revision without Hono's dispatch, else to `app`. */
  fetch(request: Request, env?: DataPlaneEnv["Bindings"]): Response | Promise<Response>;
}

export function createDataPlane(deps: DataPlaneDeps): DataPlane {
  const app = new Hono<DataPlaneEnv>();
  const exists = (ns: string, svc: string) => deps.routes.has(ns, svc);
  const hosts = new HostMatchCache(deps.domain, exists);
  const limits = deps.limits;
  const guard = limits ? new RequestGuard(limits) : undefined;
  if (guard) app.use("*", guard.middleware);

  function forward(
    request: Request,
    namespace: string,
    service: string,
    tag: string | undefined,
    url: string,
    remote: Deno.NetAddr | undefined,
  ): Promise<Response> {
    if (!deps.tracing?.enabled) return route(request, namespace, service, tag, url, remote);
    return forwardTraced(request, namespace, service, tag, url, remote);
  }

  async function forwardTraced(
    request: Request,
    namespace: string,
    service: string,
    tag: string | undefined,
    url: string,
    remote: Deno.NetAddr | undefined,
  ): Promise<Response> {
    const tracing = deps.tracing!;
    const ingress = tracing.start(
      `${request.method} ${service}.${namespace}`,
      parentOf(tracing, request.headers),
      SpanKind.SERVER,
      {
        "http.method": request.method,
        "http.url": url,
        "knative.service": service,
        "knative.namespace": namespace,
      },
    );
    try {
      const response = await route(request, namespace, service, tag, url, remote, ingress);
      ingress.setAttribute("http.status_code", response.status);
      return response;
    } finally {
      ingress.end();
    }
  }

  /** Picks the revision; no promise of its own when the pool is at hand (the usual case). */
  function route(
    request: Request,
    namespace: string,
    service: string,
    tag: string | undefined,
    url: string,
    remote: Deno.NetAddr | undefined,
    ingress?: Span,
  ): Promise<Response> {
    const routes = deps.routes.get(namespace, service);
    if (!routes) {
      return Promise.resolve(
        errorResponse(404, `service "${service}" not found in namespace "${namespace}"`),
      );
    }
    const revision = tag ? routes.tags.get(tag) : routes.split.next();
    if (!revision) {
      return Promise.resolve(
        tag
          ? errorResponse(404, `service "${service}" has no traffic tag "${tag}"`)
          : errorResponse(503, `service "${service}" has no ready revision`),
      );
    }
    if (ingress) {
      deps.tracing!.start("route", ingress, SpanKind.INTERNAL, {
        "knative.revision": revision,
        "knative.tag": tag ?? "",
        "knative.route": tag ? "tag" : "split",
      }).end();
    }
    const found = deps.poolFor(namespace, revision);
    // Awaited only when it is a promise (after a restart): the usual lookup costs no microtask turn.
    if (found instanceof Promise) {
      return found.then((pool) => toPool(pool, request, namespace, revision, url, remote, ingress));
    }
    return toPool(found, request, namespace, revision, url, remote, ingress);
  }

  function toPool(
    pool: RevisionBackend | undefined,
    request: Request,
    namespace: string,
    revision: string,
    url: string,
    remote: Deno.NetAddr | undefined,
    ingress?: Span,
  ): Promise<Response> {
    if (!pool) return Promise.resolve(errorResponse(503, `revision "${revision}" is not ready`));
    const dispatch = (r: Request) =>
      limits
        ? dispatchWithinBodyLimit(
          r,
          limits.bodyLimitFor(namespace, revision),
          (x) => pool.dispatch(x, url, remote?.hostname),
        )
        : pool.dispatch(r, url, remote?.hostname);
    if (!ingress) return dispatch(request);
    return dispatchTraced(request, namespace, revision, ingress, dispatch);
  }

  async function dispatchTraced(
    request: Request,
    namespace: string,
    revision: string,
    ingress: Span,
    dispatch: (r: Request) => Promise<Response>,
  ): Promise<Response> {
    // The function sees this span as its parent (traceparent in its request headers).
    const tracing = deps.tracing!;
    const handling = tracing.start(`handle ${revision}`, ingress, SpanKind.CLIENT, {
      "knative.revision": revision,
      "knative.namespace": namespace,
    });
    const headers = new Headers(request.headers);
    for (const [k, v] of Object.entries(tracing.headersFor(handling))) headers.set(k, v);
    const traced = new Request(request, { headers });
    markTraced(traced, handling);
    try {
      const response = await dispatch(traced);
      handling.setAttribute("http.status_code", response.status);
      return response;
    } finally {
      handling.end();
    }
  }

  const byPath = (c: import("hono").Context<DataPlaneEnv>) => {
    const target = c.req.param("target")!;
    const dot = target.indexOf(".");
    const service = dot < 0 ? target : target.slice(0, dot);
    const namespace = dot < 0 ? "default" : target.slice(dot + 1);
    const url = new URL(c.req.url);
    const rest = url.pathname.slice(`/function/${target}`.length) || "/";
    return forward(
      c.req.raw,
      namespace,
      service,
      undefined,
      `${url.origin}${rest}${url.search}`,
      c.env?.remoteAddr,
    );
  };
  app.all("/function/:target", byPath);
  app.all("/function/:target/*", byPath);

  deps.mount?.(app);
  app.notFound(() =>
    errorResponse(404, "no service here: use http://{service}.{namespace}.{domain}/ or /function/{service}/")
  );

  function fetch(request: Request, env: DataPlaneEnv["Bindings"] = {}): Response | Promise<Response> {
    // In-process requests (event delivery) carry the host in their URL only.
    const url = request.url;
    const host = request.headers.get("host") ?? hostOf(url);
    const target = hosts.match(host, deps.routes.version);
    if (!target) return app.fetch(request, env);
    if (!guard) return forward(request, target.namespace, target.service, target.tag, url, env.remoteAddr);
    const refused = guard.admit(request);
    if (refused) return refused;
    let answer: Promise<Response>;
    try {
      answer = forward(request, target.namespace, target.service, target.tag, url, env.remoteAddr);
    } catch (err) {
      guard.done();
      throw err;
    }
    return answer.then(
      (response) => {
        guard.done();
        return response;
      },
      (err) => {
        guard.done();
        throw err;
      },
    );
  }
  return { app, fetch };
}

/** The authority of an absolute URL, without parsing it. */
function hostOf(url: string): string {
  const start = url.indexOf("//") + 2;
  const end = url.indexOf("/", start);
  return end < 0 ? url.slice(start) : url.slice(start, end);
}

/** The caller's trace: its trace headers, else (an event in binary mode) the CloudEvents `traceparent` extension. */
function parentOf(tracing: Tracing, headers: Headers) {
  const own = headers.get("ce-traceparent");
  if (own === null || headers.has("traceparent")) return tracing.extract(headers);
  return tracing.extract({ traceparent: own });
}
