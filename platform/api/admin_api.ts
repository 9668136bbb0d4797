/**
 * The admin API on the admin port: Knative-shaped resources at Kubernetes-style paths (JSON or
 * YAML), code bundle upload, health, metrics and the dashboard. Everything but /healthz and the
 * dashboard page needs `Authorization: Bearer <token>`.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import YAML from "yaml";
import { Buffer } from "node:buffer";
import { apiVersionOf, type KindInfo, type KindRegistry } from "../resources/kinds.ts";
import type { KObject } from "../resources/meta.ts";
import type { FieldError } from "../resources/field_errors.ts";
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
import { dashboardPage } from "./dashboard.ts";

export interface AdminApiDeps {
  store: ResourceStore;
  bundles: BundleStore;
  kinds: KindRegistry;
  token: string;
  /** True once every function directory found at start is deployed (Ready or Failed). */
  healthy: () => boolean;
  /** Prometheus text exposition. */
  metrics: () => string;
}

export function createAdminApi(deps: AdminApiDeps): Hono {
  const app = new Hono();

  app.onError((err) => {
    if (err instanceof HTTPException) return err.getResponse();
    console.error("admin API error:", err);
    return statusBody(500, "InternalError", "internal error; see the platform log");
  });

  app.get("/healthz", (c) => deps.healthy() ? c.text("ok") : c.text("deploying functions", 503));
  app.get("/", (c) => c.html(dashboardPage()));

  app.use("*", async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const given = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
    if (!given || !timingSafeEqual(given, deps.token)) {
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

  // Kubernetes paths: /apis/{group}/{version}/... and the core group at /api/{version}/...
  for (const prefix of ["/apis/:group/:version", "/api/:version"]) {
    app.get(`${prefix}/:plural`, (c) => list(c.req.raw, kindOf(c.req.param()), undefined));
    app.get(
      `${prefix}/namespaces/:ns/:plural`,
      (c) => list(c.req.raw, kindOf(c.req.param()), c.req.param("ns")),
    );
    app.get(`${prefix}/namespaces/:ns/:plural/:name`, (c) => {
      const kind = kindOf(c.req.param());
      const obj = deps.store.get(kind.kind, c.req.param("ns"), c.req.param("name"));
      if (!obj) throw notFound(kind, c.req.param("name"));
      return respond(c.req.raw, present(kind, obj));
    });
    app.put(`${prefix}/namespaces/:ns/:plural/:name`, async (c) => {
      const kind = kindOf(c.req.param());
      const doc = await readDocument(c.req.raw);
      const { ns, name } = c.req.param() as { ns: string; name: string };
      const existed = deps.store.get(kind.kind, ns, name) !== undefined;
      const stored = write(kind, doc, ns, name);
      return respond(c.req.raw, present(kind, stored), existed ? 200 : 201);
    });
    app.post(`${prefix}/namespaces/:ns/:plural`, async (c) => {
      const kind = kindOf(c.req.param());
      const doc = await readDocument(c.req.raw);
      const ns = c.req.param("ns");
      const name = (doc.metadata as { name?: string } | undefined)?.name;
      if (!name) throw invalid(kind, "", [{ path: "metadata.name", message: "is required" }]);
      if (deps.store.get(kind.kind, ns, name)) {
        throw new HTTPException(409, {
          res: statusBody(409, "AlreadyExists", `${kind.kind} "${name}" already exists`),
        });
      }
      return respond(c.req.raw, present(kind, write(kind, doc, ns, name)), 201);
    });
    app.delete(`${prefix}/namespaces/:ns/:plural/:name`, (c) => {
      const kind = kindOf(c.req.param());
      const { ns, name } = c.req.param() as { ns: string; name: string };
      const obj = deps.store.get(kind.kind, ns, name);
      if (!obj) throw notFound(kind, name);
      const refusal = kind.refuseDelete
        ? kind.refuseDelete(obj, deps.store)
        : kind.readOnly
        ? `${kind.plural} are derived and cannot be deleted directly`
        : null;
      if (refusal) throw new HTTPException(409, { res: statusBody(409, "Conflict", refusal) });
      deps.store.delete(kind.kind, ns, name);
      return respond(
        c.req.raw,
        statusBody(200, "Success", `${kind.kind} "${name}" deleted`, { status: "Success" }),
      );
    });
  }

  app.notFound(() => statusBody(404, "NotFound", "no such path on the admin API"));

  function kindOf(p: Record<string, string>): KindInfo {
    const kind = deps.kinds.byPath(p.group ?? "", p.version, p.plural);
    if (!kind) {
      const api = p.group ? `${p.group}/${p.version}` : p.version;
      throw new HTTPException(404, {
        res: statusBody(404, "NotFound", `the server does not serve "${p.plural}" in ${api}`),
      });
    }
    return kind;
  }

  function list(req: Request, kind: KindInfo, ns: string | undefined): Response {
    const items = deps.store.list(kind.kind, ns).map((o) => present(kind, o));
    return respond(req, { apiVersion: apiVersionOf(kind), kind: `${kind.kind}List`, metadata: {}, items });
  }

  function write(kind: KindInfo, doc: Record<string, unknown>, ns: string, name: string): KObject {
    if (kind.readOnly) {
      throw new HTTPException(405, {
        res: statusBody(
          405,
          "MethodNotAllowed",
          `${kind.plural} are derived from Services and are read-only`,
        ),
      });
    }
    const meta = (doc.metadata ?? {}) as Record<string, unknown>;
    const errors: FieldError[] = [];
    if (doc.apiVersion !== apiVersionOf(kind)) {
      errors.push({ path: "apiVersion", message: `must be "${apiVersionOf(kind)}"` });
    }
    if (doc.kind !== kind.kind) errors.push({ path: "kind", message: `must be "${kind.kind}"` });
    if (meta.name !== undefined && meta.name !== name) {
      errors.push({ path: "metadata.name", message: `"${meta.name}" does not match "${name}" in the URL` });
    }
    if (meta.namespace !== undefined && meta.namespace !== ns) {
      errors.push({
        path: "metadata.namespace",
        message: `"${meta.namespace}" does not match "${ns}" in the URL`,
      });
    }
    if (errors.length) throw invalid(kind, name, errors);
    const filled = { ...doc, metadata: { ...meta, name, namespace: ns } };
    delete (filled as { status?: unknown }).status;
    const parsed = kind.parse ? kind.parse(filled) : { object: filled as KObject, errors: [] };
    if (parsed.errors.length) throw invalid(kind, name, parsed.errors);
    return deps.store.put(parsed.object);
  }

  function present(kind: KindInfo, obj: KObject): KObject {
    return kind.present ? kind.present(obj) : obj;
  }

  return app;
}

function invalid(kind: KindInfo, name: string, causes: FieldError[]): HTTPException {
  const message = `${kind.kind} "${name}" is invalid: ${
    causes.map((c) => `${c.path}: ${c.message}`).join("; ")
  }`;
  return new HTTPException(422, {
    res: statusBody(422, "Invalid", message, {
      details: {
        name,
        kind: kind.kind,
        causes: causes.map((c) => ({ reason: "FieldValueInvalid", field: c.path, message: c.message })),
      },
    }),
  });
}

function notFound(kind: KindInfo, name: string): HTTPException {
  return new HTTPException(404, { res: statusBody(404, "NotFound", `${kind.kind} "${name}" not found`) });
}

function wantsYaml(req: Request): boolean {
  return /yaml/i.test(req.headers.get("accept") ?? "");
}

function respond(req: Request, body: unknown, status = 200): Response {
  if (body instanceof Response) return body;
  if (wantsYaml(req)) {
    return new Response(YAML.stringify(body), { status, headers: { "content-type": "application/yaml" } });
  }
  return Response.json(body, { status });
}

async function readBody(req: Request): Promise<string> {
  const len = Number(req.headers.get("content-length") ?? 0);
  if (len > MAX_BUNDLE_BYTES * 2) {
    throw new HTTPException(413, { res: statusBody(413, "RequestEntityTooLarge", "the body is too large") });
  }
  return await req.text();
}

/** A JSON or YAML document, by Content-Type (JSON when it does not say). */
async function readDocument(req: Request): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  const type = req.headers.get("content-type") ?? "";
  let doc: unknown;
  try {
    doc = /yaml/i.test(type) ? YAML.parse(text) : JSON.parse(text);
  } catch (err) {
    throw new HTTPException(400, {
      res: statusBody(
        400,
        "BadRequest",
        `the body is not valid ${/yaml/i.test(type) ? "YAML" : "JSON"}: ${(err as Error).message}`,
      ),
    });
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
    throw new HTTPException(400, {
      res: statusBody(400, "BadRequest", "the body must be one object document"),
    });
  }
  return doc as Record<string, unknown>;
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
  if (!Array.isArray(doc.files) || doc.files.length === 0) {
    throw new HTTPException(422, { res: statusBody(422, "Invalid", "files: must be a non-empty list") });
  }
  return doc.files.map((f, i) => {
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
