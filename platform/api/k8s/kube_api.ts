/**
 * The Kubernetes API over the resource store, as kubectl and client libraries use it: discovery,
 * get/list (selectors, paging, tables), watch, create, replace (optimistic concurrency), patch
 * (merge, JSON, server-side apply), delete, the `/status` subresource and `dryRun=All`. Mounted
 * on the admin API (plain HTTP) and served again over HTTPS on the API port.
 */
import type { Context, Hono } from "hono";
import YAML from "yaml";
import { apiVersionOf, type KindInfo, type KindRegistry } from "../../resources/kinds.ts";
import type { KObject } from "../../resources/meta.ts";
import type { FieldError } from "../../resources/field_errors.ts";
import type { ResourceStore } from "../../store/resource_store.ts";
import { KUBE_API_DEFAULTS } from "../../config.ts";
import { statusBody } from "../status_body.ts";
import * as errors from "./errors.ts";
import { parseApiPath } from "./resource_path.ts";
import {
  AGGREGATED_TYPE,
  aggregatedDiscovery,
  apiGroupDoc,
  apiGroupList,
  apiResourceList,
  apiVersions,
  wantsAggregated,
} from "./discovery.ts";
import { kubeKindInfo } from "./kube_kinds.ts";
import { parseFieldSelector, parseLabelSelector, type Selector, SelectorError } from "./selectors.ts";
import { ContinueError, pageOf } from "./list_page.ts";
import { buildTable, type IncludeObject, wantsTable } from "./table.ts";
import { WatchHub } from "./watch_hub.ts";
import { watchStream } from "./watch_stream.ts";
import { isObject, jsonPatch, mergePatch, PatchError, patchKindOf, strategicAsMerge } from "./patch.ts";
import { serverSideApply } from "./server_side_apply.ts";
import { type FieldValidation, OpenApi } from "./openapi.ts";
import { RequestBodies } from "./request_body.ts";

export interface KubeApiDeps {
  store: ResourceStore;
  kinds: KindRegistry;
  now?: () => Date;
  /** Largest request body, bytes. */
  maxBodyBytes: number;
  /** How often a watch that asked for bookmarks gets one (KUBE_API_DEFAULTS when not given), ms. */
  bookmarkIntervalMs?: number;
}

export interface KubeApi {
  /** Ends every open watch (at shutdown). */
  close(): void;
}

export function mountKubeApi(app: Hono, deps: KubeApiDeps): KubeApi {
  const { store, kinds } = deps;
  const now = deps.now ?? (() => new Date());
  const hub = new WatchHub(store, KUBE_API_DEFAULTS.watchHistory);
  const openapi = new OpenApi(kinds);
  const closers = new Set<() => void>();
  ensureDefaultNamespace(store, kinds);

  app.get("/version", (c) =>
    c.json({
      major: "1",
      minor: "32",
      gitVersion: "v1.32.0-denative",
      platform: `${Deno.build.os}/${Deno.build.arch}`,
      goVersion: `deno ${Deno.version.deno}`,
      compiler: "deno",
    }));
  app.get("/openapi/v2", (c) => c.json(openapi.swagger()));
  app.get("/openapi/v3", (c) => c.json(openapi.index()));
  app.get("/openapi/v3/*", (c) => {
    const doc = openapi.document(c.req.path.slice("/openapi/v3/".length));
    if (!doc) throw errors.noSuchPath(`no OpenAPI document at ${c.req.path}`);
    return c.json(doc);
  });
  // `kubectl auth can-i`: there is one identity, the admin token, and it may do everything.
  app.post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", () =>
    Response.json({
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectAccessReview",
      metadata: {},
      spec: {},
      status: { allowed: true, reason: "the admin token may do everything" },
    }, { status: 201 }));
  for (const path of ["/api", "/api/*", "/apis", "/apis/*"]) app.all(path, (c) => handle(c));

  async function handle(c: Context): Promise<Response> {
    const req = c.req.raw;
    const url = new URL(req.url);
    const path = parseApiPath(url.pathname, (g, v, p) => kinds.byPath(g, v, p) !== undefined);
    if (!path) throw errors.noSuchPath("the server could not find the requested resource");
    if (path.type !== "resource") {
      if (req.method !== "GET") throw errors.methodNotAllowed(`${req.method} is not allowed on discovery`);
      return discovery(req, path);
    }
    const kind = kinds.byPath(path.group, path.version, path.plural);
    if (!kind) {
      const api = path.group ? `${path.group}/${path.version}` : path.version;
      throw errors.noSuchPath(`the server does not serve "${path.plural}" in ${api}`);
    }
    if (kind.clusterScoped && path.namespace !== undefined) {
      throw errors.noSuchPath(`${kind.plural} are cluster-scoped: they have no namespace`);
    }
    const ns = kind.clusterScoped ? "" : path.namespace;
    const q = url.searchParams;
    const dryRun = q.getAll("dryRun").includes("All");
    if (path.subresource !== undefined) {
      if (
        path.subresource !== "status" || !kubeKindInfo(kind).statusSubresource || !path.name ||
        ns === undefined
      ) {
        throw errors.noSuchPath(`${kind.plural} have no "${path.subresource}" subresource`);
      }
      return await status(req, kind, ns, path.name, dryRun);
    }
    const name = path.name;
    switch (req.method) {
      case "GET":
        if (name === undefined) {
          return q.get("watch") === "true" || q.get("watch") === "1"
            ? watch(req, kind, ns)
            : list(req, kind, ns);
        }
        return respond(req, kind, presentOf(kind, mustGet(kind, needNs(kind, ns), name)));
      case "POST": {
        if (name !== undefined) throw errors.methodNotAllowed("POST goes to a collection");
        if (kind.readOnly) throw readOnlyKind(kind);
        const doc = await readDocument(req);
        const meta = (isObject(doc.metadata) ? doc.metadata : {}) as { name?: string; generateName?: string };
        const given = meta.name || (meta.generateName ? generatedName(meta.generateName) : undefined);
        if (!given) throw errors.invalid(kind, "", [{ path: "metadata.name", message: "is required" }]);
        const named = { ...doc, metadata: { ...meta, name: given } };
        return respond(req, kind, save(req, kind, needNs(kind, ns), given, named, "create", dryRun), 201);
      }
      case "PUT": {
        if (name === undefined) throw errors.methodNotAllowed("PUT goes to a named object");
        const doc = await readDocument(req);
        const existed = store.get(kind.kind, needNs(kind, ns), name) !== undefined;
        return respond(
          req,
          kind,
          save(req, kind, needNs(kind, ns), name, doc, "replace", dryRun),
          existed ? 200 : 201,
        );
      }
      case "PATCH":
        if (name === undefined) throw errors.methodNotAllowed("PATCH goes to a named object");
        return await patch(req, kind, needNs(kind, ns), name, dryRun);
      case "DELETE":
        if (name === undefined) return deleteCollection(req, kind, ns, dryRun);
        return await remove(req, kind, needNs(kind, ns), name, dryRun);
      default:
        throw errors.methodNotAllowed(`${req.method} is not supported`);
    }
  }

  function discovery(req: Request, path: Exclude<ReturnType<typeof parseApiPath>, undefined>): Response {
    const all = kinds.all();
    const accept = req.headers.get("accept");
    if ((path.type === "coreVersions" || path.type === "groups") && wantsAggregated(accept)) {
      return new Response(JSON.stringify(aggregatedDiscovery(all, path.type === "coreVersions")), {
        headers: { "content-type": AGGREGATED_TYPE },
      });
    }
    let body: unknown;
    if (path.type === "coreVersions") body = apiVersions();
    else if (path.type === "groups") body = apiGroupList(all);
    else if (path.type === "group") body = apiGroupDoc(all, path.group);
    else if (path.type === "resources") body = apiResourceList(all, path.group, path.version);
    if (!body) throw errors.noSuchPath("the server could not find the requested resource");
    return Response.json(body);
  }

  function needNs(kind: KindInfo, ns: string | undefined): string {
    if (ns === undefined) {
      throw errors.noSuchPath(`${kind.plural} are namespaced: the path needs /namespaces/{namespace}`);
    }
    return ns;
  }

  function mustGet(kind: KindInfo, ns: string, name: string): KObject {
    const obj = store.get(kind.kind, ns, name);
    if (!obj) throw errors.notFound(kind, name);
    return obj;
  }

  function selectorOf(q: URLSearchParams): Selector {
    try {
      const labels = parseLabelSelector(q.get("labelSelector"));
      const fields = parseFieldSelector(q.get("fieldSelector"));
      return (o) => labels(o) && fields(o);
    } catch (err) {
      if (err instanceof SelectorError) throw errors.badRequest(err.message);
      throw err;
    }
  }

  function list(req: Request, kind: KindInfo, ns: string | undefined): Response {
    const q = new URL(req.url).searchParams;
    const selected = store.list(kind.kind, ns).filter(selectorOf(q));
    let page;
    try {
      const limit = q.has("limit") ? Number(q.get("limit")) : undefined;
      page = pageOf(selected, Number.isFinite(limit) ? limit : undefined, q.get("continue") ?? undefined);
    } catch (err) {
      if (err instanceof ContinueError) throw errors.expired(err.message);
      throw err;
    }
    const resourceVersion = String(store.version);
    const items = page.items.map((o) => presentOf(kind, o));
    const metadata = {
      resourceVersion,
      ...(page.continue ? { continue: page.continue, remainingItemCount: page.remainingItemCount } : {}),
    };
    if (wantsTable(req.headers.get("accept"))) {
      const table = buildTable(items, tableOptions(kind, req, resourceVersion));
      return Response.json({ ...table, metadata });
    }
    return respond(req, kind, { apiVersion: apiVersionOf(kind), kind: `${kind.kind}List`, metadata, items });
  }

  function tableOptions(kind: KindInfo, req: Request, resourceVersion?: string) {
    const include = (new URL(req.url).searchParams.get("includeObject") ?? "Metadata") as IncludeObject;
    return {
      columns: kubeKindInfo(kind).columns,
      now: now(),
      includeObject: ["None", "Metadata", "Object"].includes(include) ? include : "Metadata" as IncludeObject,
      resourceVersion,
    };
  }

  /** Newline-delimited watch events; see WatchHub for resuming from a resourceVersion. */
  function watch(req: Request, kind: KindInfo, ns: string | undefined): Response {
    const q = new URL(req.url).searchParams;
    const rvParam = q.get("resourceVersion");
    const from = rvParam && rvParam !== "0" ? Number(rvParam) : undefined;
    if (from !== undefined && !Number.isInteger(from)) {
      throw errors.badRequest(`resourceVersion "${rvParam}" is not a version`);
    }
    const limit = KUBE_API_DEFAULTS.maxWatchSeconds;
    const timeoutSeconds = Math.min(Number(q.get("timeoutSeconds") ?? limit) || limit, limit);
    const asTable = wantsTable(req.headers.get("accept"));
    let first = true;
    const body = watchStream({
      hub,
      from,
      current: () => store.list(kind.kind, ns),
      inScope: (o) => o.kind === kind.kind && (ns === undefined || o.metadata.namespace === ns),
      selector: selectorOf(q),
      render(obj) {
        const shown = presentOf(kind, obj);
        if (!asTable) return shown;
        // Only the first Table of a watch carries the column definitions, as the API server does.
        const table = buildTable([shown], { ...tableOptions(kind, req), withColumns: first });
        first = false;
        return table;
      },
      bookmark: q.get("allowWatchBookmarks") === "true"
        ? {
          everyMs: deps.bookmarkIntervalMs ?? KUBE_API_DEFAULTS.bookmarkIntervalMs,
          object: () => ({
            kind: kind.kind,
            apiVersion: apiVersionOf(kind),
            metadata: { resourceVersion: String(hub.version) },
          }),
        }
        : undefined,
      timeoutMs: timeoutSeconds * 1000,
      maxQueued: KUBE_API_DEFAULTS.watchQueueLimit,
      register(end) {
        closers.add(end);
        return () => closers.delete(end);
      },
    });
    return new Response(body, {
      headers: { "content-type": "application/json", "cache-control": "no-cache" },
    });
  }

  /** Validates and stores a document (or, for a dry run, shows what would be stored). */
  function save(
    req: Request,
    kind: KindInfo,
    ns: string,
    name: string,
    doc: Record<string, unknown>,
    mode: "create" | "replace",
    dryRun: boolean,
  ): KObject {
    if (kind.readOnly) throw readOnlyKind(kind);
    const meta = (isObject(doc.metadata) ? doc.metadata : {}) as Record<string, unknown>;
    const problems: FieldError[] = [];
    if (doc.apiVersion !== apiVersionOf(kind)) {
      problems.push({ path: "apiVersion", message: `must be "${apiVersionOf(kind)}"` });
    }
    if (doc.kind !== kind.kind) problems.push({ path: "kind", message: `must be "${kind.kind}"` });
    if (meta.name !== undefined && meta.name !== name) {
      problems.push({
        path: "metadata.name",
        message: `${JSON.stringify(meta.name)} does not match "${name}" in the URL`,
      });
    }
    if (!kind.clusterScoped && meta.namespace !== undefined && meta.namespace !== ns) {
      problems.push({
        path: "metadata.namespace",
        // JSON.stringify: any JSON value prints (an object with a "toString" member breaks `${}`).
        message: `${JSON.stringify(meta.namespace)} does not match "${ns}" in the URL`,
      });
    }
    if (problems.length) throw errors.invalid(kind, name, problems);
    const warnings = checkFields(req, kind, doc);

    const existing = store.get(kind.kind, ns, name);
    if (mode === "create" && existing) throw errors.alreadyExists(kind, name);
    const wanted = meta.resourceVersion;
    if (wanted !== undefined && wanted !== "" && existing && wanted !== existing.metadata.resourceVersion) {
      throw errors.conflict(
        kind,
        name,
        "the object has been modified; please apply your changes to the latest version and try again",
      );
    }
    const filled = { ...doc, metadata: { ...meta, name, namespace: ns } };
    delete (filled as { status?: unknown }).status;
    const parsed = kind.parse ? kind.parse(filled) : { object: filled as KObject, errors: [] };
    if (parsed.errors.length) throw errors.invalid(kind, name, parsed.errors);
    warnAbout(req, warnings);
    if (dryRun) {
      return presentOf(kind, {
        ...parsed.object,
        metadata: {
          ...parsed.object.metadata,
          uid: existing?.metadata.uid ?? crypto.randomUUID(),
          creationTimestamp: existing?.metadata.creationTimestamp ?? now().toISOString(),
          resourceVersion: existing?.metadata.resourceVersion,
          generation: existing?.metadata.generation ?? 1,
        },
        ...(existing?.status ? { status: existing.status } : {}),
      });
    }
    if (!kind.clusterScoped) ensureNamespace(store, kinds, ns);
    // What a write answers is what a GET shows (a Secret's values stay in).
    return presentOf(kind, store.put(parsed.object));
  }

  /** fieldValidation=Strict refuses unknown fields, Warn reports them; Ignore (the default) keeps them. */
  function checkFields(req: Request, kind: KindInfo, doc: Record<string, unknown>): string[] {
    const mode = (new URL(req.url).searchParams.get("fieldValidation") ?? "Ignore") as FieldValidation;
    if (mode !== "Strict" && mode !== "Warn") return [];
    const unknown = openapi.unknownFields(kind, doc);
    if (mode === "Strict" && unknown.length) {
      throw errors.badRequest(
        `strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(", ")}`,
      );
    }
    return unknown.map((f) => `unknown field "${f}"`);
  }

  async function patch(
    req: Request,
    kind: KindInfo,
    ns: string,
    name: string,
    dryRun: boolean,
  ): Promise<Response> {
    const type = req.headers.get("content-type") ?? "";
    const how = patchKindOf(type);
    if (!how || (how === "strategic" && kind.group !== "")) {
      throw errors.unsupportedMediaType(type.split(";")[0]);
    }
    const existing = store.get(kind.kind, ns, name);
    if (how === "apply") {
      const applied = await readDocument(req, "yaml");
      const q = new URL(req.url).searchParams;
      const manager = q.get("fieldManager");
      if (!manager) throw errors.badRequest("fieldManager is required for apply requests");
      const result = serverSideApply(existing as Record<string, unknown> | undefined, applied, {
        manager,
        force: q.get("force") === "true",
        now: now(),
      });
      if (!result.ok) throw errors.applyConflicts(kind, name, result.conflicts);
      const doc = { ...result.object };
      if (isObject(doc.metadata)) doc.metadata = { ...doc.metadata, resourceVersion: undefined };
      return respond(req, kind, save(req, kind, ns, name, doc, "replace", dryRun), existing ? 200 : 201);
    }
    if (!existing) throw errors.notFound(kind, name);
    const patched = await patchedObject(req, kind, existing, how);
    return respond(req, kind, save(req, kind, ns, name, patched, "replace", dryRun));
  }

  /** The stored object with the request's merge, JSON or (core kinds) strategic patch applied. */
  async function patchedObject(
    req: Request,
    kind: KindInfo,
    existing: KObject,
    how: "merge" | "json" | "strategic",
  ): Promise<Record<string, unknown>> {
    let operations: unknown;
    try {
      operations = JSON.parse(await readBody(req));
    } catch (err) {
      throw errors.badRequest(`the patch is not valid JSON: ${(err as Error).message}`);
    }
    let patched: unknown;
    try {
      patched = how === "json"
        ? jsonPatch(existing, operations)
        : mergePatch(existing, how === "strategic" ? strategicAsMerge(operations) : operations);
    } catch (err) {
      if (err instanceof PatchError) {
        throw errors.invalid(kind, existing.metadata.name, [{ path: "(patch)", message: err.message }]);
      }
      throw err;
    }
    if (!isObject(patched)) throw errors.badRequest("the patch does not leave an object");
    return patched;
  }

  /** `/status`: GET shows the object; PUT and PATCH change only its status. */
  async function status(
    req: Request,
    kind: KindInfo,
    ns: string,
    name: string,
    dryRun: boolean,
  ): Promise<Response> {
    const existing = mustGet(kind, ns, name);
    if (req.method === "GET") return respond(req, kind, presentOf(kind, existing));
    let next: unknown;
    if (req.method === "PUT") {
      next = await readDocument(req);
    } else if (req.method === "PATCH") {
      const how = patchKindOf(req.headers.get("content-type") ?? "");
      if (how !== "merge" && how !== "json") {
        throw errors.unsupportedMediaType(req.headers.get("content-type") ?? "");
      }
      next = await patchedObject(req, kind, existing, how);
    } else {
      throw errors.methodNotAllowed(`${req.method} is not supported on status`);
    }
    const doc = next as KObject;
    const wanted = doc.metadata?.resourceVersion;
    if (wanted && wanted !== existing.metadata.resourceVersion) {
      throw errors.conflict(
        kind,
        name,
        "the object has been modified; please apply your changes to the latest version and try again",
      );
    }
    if (dryRun) return respond(req, kind, presentOf(kind, { ...existing, status: doc.status }));
    const updated = store.updateStatus(kind.kind, ns, name, doc.status as KObject["status"]);
    return respond(req, kind, presentOf(kind, updated ?? existing));
  }

  async function remove(
    req: Request,
    kind: KindInfo,
    ns: string,
    name: string,
    dryRunQuery: boolean,
  ): Promise<Response> {
    const obj = mustGet(kind, ns, name);
    const options = await readDeleteOptions(req);
    const pre = options.preconditions ?? {};
    if (pre.uid && pre.uid !== obj.metadata.uid) {
      throw errors.conflict(
        kind,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`,
      );
    }
    if (pre.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
      throw errors.conflict(
        kind,
        name,
        "the object has been modified; please apply your changes to the latest version and try again",
      );
    }
    const refusal = kind.refuseDelete
      ? kind.refuseDelete(obj, store)
      : kind.readOnly
      ? `${kind.plural} are derived and cannot be deleted directly`
      : null;
    if (refusal) throw errors.conflictMessage(refusal);
    const dryRun = dryRunQuery || (options.dryRun ?? []).includes("All");
    if (!dryRun) {
      if (kind.kind === "Namespace" && kind.group === "") deleteNamespaceContents(name);
      store.delete(kind.kind, ns, name);
    }
    return respond(
      req,
      kind,
      statusBody(200, "Success", `${kind.kind} "${name}" deleted`, {
        status: "Success",
        details: { name, group: kind.group, kind: kind.plural, uid: obj.metadata.uid },
      }),
    );
  }

  function deleteCollection(req: Request, kind: KindInfo, ns: string | undefined, dryRun: boolean): Response {
    if (kind.readOnly) {
      throw errors.methodNotAllowed(`${kind.plural} are derived and cannot be deleted directly`);
    }
    const selected = store.list(kind.kind, ns).filter(selectorOf(new URL(req.url).searchParams));
    if (!dryRun) {
      for (const obj of selected) {
        if (kind.kind === "Namespace" && kind.group === "") deleteNamespaceContents(obj.metadata.name);
        store.delete(kind.kind, obj.metadata.namespace, obj.metadata.name);
      }
    }
    return respond(req, kind, {
      apiVersion: apiVersionOf(kind),
      kind: `${kind.kind}List`,
      metadata: { resourceVersion: String(store.version) },
      items: selected.map((o) => presentOf(kind, o)),
    });
  }

  /** User-written kinds first: their reconcilers remove what they derived; the rest goes after. */
  function deleteNamespaceContents(namespace: string) {
    const namespaced = kinds.all().filter((k) => !k.clusterScoped);
    const ordered = [...namespaced.filter((k) => !k.readOnly), ...namespaced.filter((k) => k.readOnly)];
    const done = new Set<string>();
    for (const k of ordered) {
      if (done.has(k.kind)) continue;
      done.add(k.kind);
      for (const obj of store.list(k.kind, namespace)) store.delete(k.kind, namespace, obj.metadata.name);
    }
  }

  function presentOf(kind: KindInfo, obj: KObject): KObject {
    const shown = kind.present ? kind.present(obj) : obj;
    if (!kind.clusterScoped) return shown;
    const { namespace: _ns, ...metadata } = shown.metadata;
    return { ...shown, metadata: metadata as KObject["metadata"] };
  }

  function respond(req: Request, kind: KindInfo, body: unknown, status = 200): Response {
    if (body instanceof Response) return body;
    const headers = new Headers();
    const warnings = pendingWarnings.get(req);
    if (warnings) {
      for (const w of warnings) {
        headers.append("warning", `299 - "${w.replaceAll('"', "'")}"`);
      }
    }
    const obj = body as KObject;
    if (wantsTable(req.headers.get("accept")) && obj?.metadata?.name && !obj.kind?.endsWith("List")) {
      return Response.json(buildTable([obj], tableOptions(kind, req, obj.metadata.resourceVersion)), {
        status,
        headers,
      });
    }
    if (/yaml/i.test(req.headers.get("accept") ?? "")) {
      headers.set("content-type", "application/yaml");
      return new Response(YAML.stringify(body), { status, headers });
    }
    headers.set("content-type", "application/json");
    return new Response(JSON.stringify(body), { status, headers });
  }

  const pendingWarnings = new WeakMap<Request, string[]>();
  function warnAbout(req: Request, warnings: string[]) {
    if (warnings.length) pendingWarnings.set(req, warnings);
  }

  const body = new RequestBodies(deps.maxBodyBytes);
  const readBody = (req: Request) => body.text(req);
  const readDocument = (req: Request, prefer?: "json" | "yaml") => body.document(req, prefer);
  const readDeleteOptions = (req: Request) => body.deleteOptions(req);

  return {
    close() {
      for (const end of [...closers]) end();
      hub.close();
    },
  };
}

/** `generateName` plus five random characters, as the API server makes them. */
function generatedName(prefix: string): string {
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  const bytes = crypto.getRandomValues(new Uint8Array(5));
  return prefix + [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
}

function readOnlyKind(kind: KindInfo) {
  return errors.methodNotAllowed(`${kind.plural} are derived from Services and are read-only`);
}

/** Namespace `default` always exists, as in Kubernetes. */
function ensureDefaultNamespace(store: ResourceStore, kinds: KindRegistry) {
  ensureNamespace(store, kinds, "default");
}

/**
 * Writing into a namespace makes it exist (Kubernetes would refuse; Denative's admin API always
 * took any namespace), so `kubectl get namespaces` lists every namespace that holds something.
 */
function ensureNamespace(store: ResourceStore, kinds: KindRegistry, name: string) {
  if (!kinds.byPath("", "v1", "namespaces")) return;
  if (store.get("Namespace", "", name)) return;
  store.put({ apiVersion: "v1", kind: "Namespace", metadata: { name, namespace: "" } });
}
