/**
 * The data plane: a Hono app that finds the Service a request is for (by host, as Knative, or by
 * `/function/{service}[.{namespace}]/...` path, as OpenFaaS), picks a revision by the route's
 * split or tag, and hands the request to that revision's pool.
 */
import { Hono } from "hono";
import type { RouteTable } from "./route_table.ts";
import { matchHost } from "./host_match.ts";
import type { BackendLookup } from "./revision_backend.ts";
import { errorResponse } from "../http/error_response.ts";
import { type DataPlaneLimits, dispatchWithinBodyLimit, requestGuard } from "../limits/data_plane_limits.ts";

export interface DataPlaneDeps {
  routes: RouteTable;
  domain: string;
  /** The revision's backend (a RevisionPool on a node; a fake in tests). */
  poolFor: BackendLookup;
  /** Other data-plane handlers (broker ingress, webhooks), tried when no Service matches. */
  mount?: (app: Hono<DataPlaneEnv>) => void;
  /** Input limits (head size, requests in flight, body size per revision); none when absent. */
  limits?: DataPlaneLimits;
}

export type DataPlaneEnv = { Bindings: { remoteAddr?: Deno.NetAddr } };

export function createDataPlane(deps: DataPlaneDeps): Hono<DataPlaneEnv> {
  const app = new Hono<DataPlaneEnv>();
  const exists = (ns: string, svc: string) => deps.routes.has(ns, svc);
  const limits = deps.limits;
  if (limits) app.use("*", requestGuard(limits));

  async function forward(
    request: Request,
    namespace: string,
    service: string,
    tag: string | undefined,
    url: string,
    remote: Deno.NetAddr | undefined,
  ): Promise<Response> {
    const routes = deps.routes.get(namespace, service);
    if (!routes) return errorResponse(404, `service "${service}" not found in namespace "${namespace}"`);
    const revision = tag ? routes.tags.get(tag) : routes.split.next();
    if (!revision) {
      return tag
        ? errorResponse(404, `service "${service}" has no traffic tag "${tag}"`)
        : errorResponse(503, `service "${service}" has no ready revision`);
    }
    const pool = await deps.poolFor(namespace, revision);
    if (!pool) return errorResponse(503, `revision "${revision}" is not ready`);
    if (!limits) return pool.dispatch(request, url, remote?.hostname);
    return dispatchWithinBodyLimit(
      request,
      limits.bodyLimitFor(namespace, revision),
      (r) => pool.dispatch(r, url, remote?.hostname),
    );
  }

  app.use("*", async (c, next) => {
    // In-process requests (event delivery) carry the host in their URL only.
    const host = c.req.header("host") ?? new URL(c.req.url).host;
    const target = matchHost(host, deps.domain, exists);
    if (!target) return next();
    c.res = await forward(
      c.req.raw,
      target.namespace,
      target.service,
      target.tag,
      c.req.url,
      c.env?.remoteAddr,
    );
  });

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
  return app;
}
