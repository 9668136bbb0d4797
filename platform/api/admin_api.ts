/**
 * The admin API on the admin port (and, over HTTPS, the API port): the Kubernetes API for Knative's
 * resources (JSON or YAML; see k8s/kube_api.ts), code bundle upload, health, metrics and the dashboard. Everything but /healthz and the
 * dashboard page needs `Authorization: Bearer <token>`.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { Buffer } from "node:buffer";
import type { KindRegistry } from "../resources/kinds.ts";
import type { ResourceStore } from "../store/resource_store.ts";
import {
  type BundleFile,
  bundleImage,
  type BundleStore,
  checkBundlePath,
  MAX_BUNDLE_BYTES,
} from "../store/bundle_store.ts";
import { timingSafeEqual } from "./timing_safe_equal.ts";
import { statusBody } from "./status_body.ts";
import { isDiskFull } from "../http/disk_full.ts";
import { dashboardPage } from "./dashboard.ts";
import { mountKubeApi } from "./k8s/kube_api.ts";
import type { LogStore } from "../logs/log_store.ts";
import { mountLogRoutes } from "../logs/log_routes.ts";
import { systemClock } from "../clock/clock.ts";
import {
  type DashboardData,
  mountDashboardAssets,
  mountDashboardData,
} from "../dashboard/dashboard_routes.ts";
import { REQUEST_LIMITS } from "../config.ts";
import { headProblem } from "../limits/request_head_limits.ts";
import type { FailedLoginThrottle } from "../limits/failed_login_throttle.ts";

export interface AdminApiDeps {
  store: ResourceStore;
  bundles: BundleStore;
  kinds: KindRegistry;
  token: string;
  /** True once every function directory found at start is deployed (Ready or Failed). */
  healthy: () => boolean;
  /** Prometheus text exposition. */
  metrics: () => string;
  /** What functions printed and their access lines, served at /logs/... */
  logs?: LogStore;
  /** The dashboard's chart history and live points. */
  dashboard?: DashboardData;
  /** Refuses clients that sent too many wrong tokens (429); none when absent. */
  loginThrottle?: FailedLoginThrottle;
}

export interface AdminApi {
  app: Hono;
  /** Ends open watches (at shutdown). */
  close(): void;
}

export function createAdminApi(deps: AdminApiDeps): AdminApi {
  const app = new Hono();

  app.onError((err) => {
    if (err instanceof HTTPException) return err.getResponse();
    if (isDiskFull(err)) {
      console.error("admin API: the state directory's disk is full:", (err as Error).message);
      return statusBody(
        507,
        "InsufficientStorage",
        "the state directory's disk is full; nothing was changed",
      );
    }
    console.error("admin API error:", err);
    return statusBody(500, "InternalError", "internal error; see the platform log");
  });

  app.use("*", async (c, next) => {
    const problem = headProblem(c.req.raw, REQUEST_LIMITS);
    if (problem) return statusBody(problem.status, "RequestTooLarge", problem.message);
    return await next();
  });

  app.get("/healthz", (c) => deps.healthy() ? c.text("ok") : c.text("deploying functions", 503));
  app.get("/", (c) => c.html(dashboardPage()));
  mountDashboardAssets(app);

  app.use("*", async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const given = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
    const client = clientAddress(c.env);
    const wait = deps.loginThrottle?.retryAfterSeconds(client) ?? 0;
    if (wait > 0) {
      const res = statusBody(
        429,
        "TooManyRequests",
        `too many wrong tokens from ${client}; retry in ${wait} s`,
      );
      res.headers.set("retry-after", String(wait));
      return res;
    }
    if (!given || !timingSafeEqual(given, deps.token)) {
      deps.loginThrottle?.recordFailure(client);
      return statusBody(401, "Unauthorized", "missing or wrong bearer token (see <state>/admin-token)");
    }
    return await next();
  });

  app.get("/metrics", (c) => c.text(deps.metrics(), 200, { "content-type": "text/plain; version=0.0.4" }));

  app.post("/bundles", async (c) => {
    const body = await readBody(c.req.raw);
    const files = parseBundleUpload(body);
    const digest = await deps.bundles.put(files);
    return c.json({ digest, image: bundleImage(digest) }, 201);
  });

  app.get("/bundles/:digest", async (c) => {
    const files = await deps.bundles.files(c.req.param("digest"));
    if (!files) return statusBody(404, "NotFound", `no code bundle ${c.req.param("digest")}`);
    return c.json({
      digest: c.req.param("digest"),
      files: files.map((f) => ({ path: f.path, data: Buffer.from(f.data).toString("base64") })),
    });
  });

  const endFollows = deps.logs ? mountLogRoutes(app, deps.logs, systemClock) : () => {};
  const endStreams = deps.dashboard ? mountDashboardData(app, deps.dashboard) : () => {};

  // Kubernetes paths: /apis/{group}/{version}/... and the core group at /api/{version}/..., plus
  // discovery and OpenAPI (see k8s/kube_api.ts).
  const kube = mountKubeApi(app, {
    store: deps.store,
    kinds: deps.kinds,
    maxBodyBytes: MAX_BUNDLE_BYTES * 2,
  });

  app.notFound(() => statusBody(404, "NotFound", "no such path on the admin API"));

  return {
    app,
    close: () => {
      kube.close();
      endFollows();
      endStreams();
    },
  };
}

/** The client's address: Deno.serve's `remoteAddr` (admin port) or node's socket (API port). */
function clientAddress(env: unknown): string {
  const e = env as
    | { remoteAddr?: { hostname?: string }; incoming?: { socket?: { remoteAddress?: string } } }
    | undefined;
  return e?.remoteAddr?.hostname ?? e?.incoming?.socket?.remoteAddress ?? "unknown";
}

async function readBody(req: Request): Promise<string> {
  const len = Number(req.headers.get("content-length") ?? 0);
  if (len > MAX_BUNDLE_BYTES * 2) {
    throw new HTTPException(413, { res: statusBody(413, "RequestEntityTooLarge", "the body is too large") });
  }
  return await req.text();
}

/** `{ files: [{ path, data: base64 }] }` -> bundle files, refusing paths that escape the bundle. */
function parseBundleUpload(text: string): BundleFile[] {
  let doc: { files?: { path?: unknown; data?: unknown }[] };
  try {
    doc = JSON.parse(text);
  } catch {
    throw new HTTPException(400, {
      res: statusBody(400, "BadRequest", "the bundle must be JSON: {files: [{path, data}]}"),
    });
  }
  // JSON.parse also yields null, numbers and arrays: only an object can hold `files`.
  if (typeof doc !== "object" || doc === null || !Array.isArray(doc.files) || doc.files.length === 0) {
    throw new HTTPException(422, { res: statusBody(422, "Invalid", "files: must be a non-empty list") });
  }
  return doc.files.map((f, i) => {
    if (typeof f !== "object" || f === null) {
      throw new HTTPException(422, { res: statusBody(422, "Invalid", `files[${i}]: must be {path, data}`) });
    }
    const problem = typeof f.path !== "string" ? "must be a string" : checkBundlePath(f.path);
    if (problem) {
      throw new HTTPException(422, { res: statusBody(422, "Invalid", `files[${i}].path: ${problem}`) });
    }
    if (typeof f.data !== "string") {
      throw new HTTPException(422, { res: statusBody(422, "Invalid", `files[${i}].data: must be base64`) });
    }
    try {
      return { path: f.path as string, data: Uint8Array.from(atob(f.data), (ch) => ch.charCodeAt(0)) };
    } catch {
      throw new HTTPException(422, {
        res: statusBody(422, "Invalid", `files[${i}].data: is not valid base64`),
      });
    }
  });
}
