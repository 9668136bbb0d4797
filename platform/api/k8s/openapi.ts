/**
 * OpenAPI v3 documents (`/openapi/v3`, `/openapi/v3/apis/{group}/{version}`) derived from the zod
 * schemas the platform validates with (`z.toJSONSchema`, OpenAPI 3.0 target), in the shape kubectl
 * reads for `explain` and for server-side field validation. A zod `looseObject` (unknown keys kept
 * and ignored) becomes `x-kubernetes-preserve-unknown-fields`; other objects are closed, so
 * `fieldValidation=Strict` refuses keys they do not name. Kinds without a schema are described as
 * apiVersion/kind/metadata plus free-form spec and status.
 */
import { z } from "zod";
import { apiVersionOf, type KindInfo, type KindRegistry } from "../../resources/kinds.ts";
import { isObject } from "./patch.ts";
import { kubeKindInfo } from "./kube_kinds.ts";
import { openApiViewOf } from "../../resources/openapi_view.ts";

export type FieldValidation = "Ignore" | "Warn" | "Strict";

export type JsonSchema = Record<string, unknown>;

const PRESERVE = "x-kubernetes-preserve-unknown-fields";

/** zod -> JSON Schema, with the shapes `viewedAs` fields are shown as. */
function toJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, {
    target: "openapi-3.0",
    io: "input",
    unrepresentable: "any",
    override(ctx) {
      const shape = openApiViewOf(ctx.zodSchema);
      if (!shape) return;
      // The field's own metadata (its description) wins over the shape's.
      const own = { ...ctx.jsonSchema };
      Object.assign(ctx.jsonSchema, toJsonSchema(shape), own);
    },
  }) as JsonSchema;
}

/** The schema of one kind's documents, as the OpenAPI component for it. */
export function kindSchema(kind: KindInfo): JsonSchema {
  const derived = kind.schema
    ? toOpenApi(toJsonSchema(kind.schema))
    : { type: "object", properties: { spec: { type: "object", [PRESERVE]: true } } };
  const props = (isObject(derived.properties) ? derived.properties : {}) as Record<string, JsonSchema>;
  const { [PRESERVE]: _loose, ...top } = derived;
  return {
    ...top,
    description: derived.description ?? `${kind.kind} (${apiVersionOf(kind)}), as Denative validates it.`,
    type: "object",
    properties: {
      ...props,
      apiVersion: {
        type: "string",
        description: "APIVersion defines the versioned schema of this representation.",
      },
      kind: { type: "string", description: "Kind is the REST resource this object represents." },
      metadata: {
        type: "object",
        description: "Standard object metadata (name, namespace, labels, annotations...).",
      },
      // Status belongs to the reconcilers; what they write is not checked.
      status: { type: "object", [PRESERVE]: true },
    },
    "x-kubernetes-group-version-kind": [{ group: kind.group, kind: kind.kind, version: kind.version }],
  };
}

/** JSON Schema from zod -> OpenAPI as Kubernetes writes it for structural schemas. */
function toOpenApi(node: unknown): JsonSchema {
  if (!isObject(node)) return {};
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$schema" || key === "propertyNames" || key === "contentEncoding" || key === "const") {
      continue;
    }
    if (key === "properties" && isObject(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toOpenApi(v)]));
    } else if (key === "items") {
      out.items = toOpenApi(value);
    } else if (key === "additionalProperties") {
      // `{}` is any extra key (a loose object); a schema with a type is a map's value.
      if (isObject(value) && Object.keys(value).length === 0) out[PRESERVE] = true;
      else if (isObject(value)) out.additionalProperties = toOpenApi(value);
    } else if (key === "anyOf" || key === "oneOf" || key === "allOf") {
      out[key] = (value as unknown[]).map(toOpenApi);
    } else {
      out[key] = value;
    }
  }
  // An explicit `false` (CLOSED_IN_OPENAPI) wins over a loose object's `additionalProperties: {}`.
  if (node[PRESERVE] === false) delete out[PRESERVE];
  if (
    out.type === "object" && out[PRESERVE] && isObject(out.properties) &&
    Object.keys(out.properties).length === 0
  ) {
    delete out.properties;
  }
  return out;
}

/** An OpenAPI 3.0 schema as Swagger 2.0 writes it: references point into `definitions`. */
function toSwagger(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toSwagger);
  if (!isObject(node)) return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === "$ref" && typeof v === "string"
        ? v.replace("#/components/schemas/", "#/definitions/")
        : toSwagger(v),
    ]),
  );
}

/** Paths of keys the schema does not name, outside preserve-unknown-fields nodes. */
export function unknownFieldsIn(schema: JsonSchema, value: unknown, path = ""): string[] {
  if (Array.isArray(value)) {
    const items = schema.items as JsonSchema | undefined;
    return items ? value.flatMap((v, i) => unknownFieldsIn(items, v, `${path}[${i}]`)) : [];
  }
  if (!isObject(value)) return [];
  const props = (isObject(schema.properties) ? schema.properties : {}) as Record<string, JsonSchema>;
  const mapValues = isObject(schema.additionalProperties)
    ? schema.additionalProperties as JsonSchema
    : undefined;
  const out: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (props[key]) out.push(...unknownFieldsIn(props[key], v, at));
    else if (mapValues) out.push(...unknownFieldsIn(mapValues, v, at));
    else if (!schema[PRESERVE] && schema.type === "object") out.push(at);
  }
  return out;
}

/** The reverse-DNS schema name Kubernetes uses: `dev.knative.serving.v1.Service`. */
export function schemaName(kind: KindInfo): string {
  const group = kind.group ? kind.group.split(".").reverse().join(".") : "io.k8s.api.core";
  return `${group}.${kind.version}.${kind.kind}`;
}

const QUERY = (name: string, description: string) => ({
  name,
  in: "query",
  description,
  schema: { type: name === "force" ? "boolean" : "string" },
});
const WRITE_PARAMS = [
  QUERY("dryRun", "All: validate without storing"),
  QUERY("fieldManager", "the actor making the change"),
  QUERY("fieldValidation", "Ignore, Warn or Strict: what to do with unknown fields"),
];
const LIST_PARAMS = [
  "labelSelector",
  "fieldSelector",
  "limit",
  "continue",
  "resourceVersion",
  "watch",
  "allowWatchBookmarks",
  "timeoutSeconds",
].map((n) => QUERY(n, n));

export class OpenApi {
  #cache = new Map<string, unknown>();
  #schemas = new Map<KindInfo, JsonSchema>();

  constructor(private readonly kinds: KindRegistry) {}

  /** `api/v1`, `apis/{group}/{version}` for every served group-version. */
  groupVersions(): string[] {
    const out = new Set<string>();
    for (const k of this.kinds.all()) out.add(k.group ? `apis/${k.group}/${k.version}` : `api/${k.version}`);
    return [...out].sort();
  }

  index() {
    return {
      paths: Object.fromEntries(
        this.groupVersions().map((gv) => [gv, { serverRelativeURL: `/openapi/v3/${gv}` }]),
      ),
    };
  }

  /**
   * `/openapi/v2` (Swagger 2.0) for clients that predate v3 (kubectl before 1.27 explains and
   * validates with it, as do some GitOps tools): the same schemas as definitions.
   */
  swagger(): unknown {
    if (!this.#cache.has("v2")) {
      const definitions: Record<string, unknown> = {};
      for (const gv of this.groupVersions()) {
        const doc = this.document(gv) as { components: { schemas: Record<string, unknown> } };
        for (const [name, schema] of Object.entries(doc.components.schemas)) {
          definitions[name] = toSwagger(schema);
        }
      }
      this.#cache.set("v2", {
        swagger: "2.0",
        info: { title: "Denative", version: "v1.32.0" },
        paths: {},
        definitions,
      });
    }
    return this.#cache.get("v2");
  }

  document(gv: string): unknown {
    if (!this.groupVersions().includes(gv)) return undefined;
    if (!this.#cache.has(gv)) this.#cache.set(gv, this.#build(gv));
    return this.#cache.get(gv);
  }

  unknownFields(kind: KindInfo, doc: Record<string, unknown>): string[] {
    const { metadata: _m, status: _s, ...rest } = doc;
    return unknownFieldsIn(this.#schemaOf(kind), rest);
  }

  #schemaOf(kind: KindInfo): JsonSchema {
    let schema = this.#schemas.get(kind);
    if (!schema) this.#schemas.set(kind, schema = kindSchema(kind));
    return schema;
  }

  #build(gv: string) {
    const kinds = this.kinds.all().filter((k) =>
      (k.group ? `apis/${k.group}/${k.version}` : `api/${k.version}`) === gv
    );
    const schemas: Record<string, unknown> = {};
    const paths: Record<string, unknown> = {};
    for (const kind of kinds) {
      const name = schemaName(kind);
      schemas[name] = this.#schemaOf(kind);
      schemas[`${name}List`] = {
        type: "object",
        properties: {
          apiVersion: { type: "string" },
          kind: { type: "string" },
          metadata: { type: "object" },
          items: { type: "array", items: { $ref: `#/components/schemas/${name}` } },
        },
        "x-kubernetes-group-version-kind": [{
          group: kind.group,
          kind: `${kind.kind}List`,
          version: kind.version,
        }],
      };
      Object.assign(paths, this.#paths(kind, name));
    }
    return {
      openapi: "3.0.0",
      info: { title: "Denative", version: "v1.32.0" },
      paths,
      components: { schemas },
    };
  }

  #paths(kind: KindInfo, name: string) {
    const gvk = { group: kind.group, version: kind.version, kind: kind.kind };
    const base = kind.group ? `/apis/${kind.group}/${kind.version}` : `/api/${kind.version}`;
    const collection = kind.clusterScoped
      ? `${base}/${kind.plural}`
      : `${base}/namespaces/{namespace}/${kind.plural}`;
    const ref = { $ref: `#/components/schemas/${name}` };
    const json = (schema: unknown) => ({ "application/json": { schema }, "application/yaml": { schema } });
    const ok = (schema: unknown) => ({ "200": { description: "OK", content: json(schema) } });
    const op = (action: string, extra: Record<string, unknown> = {}) => ({
      operationId: `${action}${kind.kind}`,
      "x-kubernetes-action": action,
      "x-kubernetes-group-version-kind": gvk,
      ...extra,
    });
    const nsParam = kind.clusterScoped
      ? []
      : [{ name: "namespace", in: "path", required: true, schema: { type: "string" } }];
    const nameParam = [{ name: "name", in: "path", required: true, schema: { type: "string" } }];
    const readOnly = kind.readOnly === true;
    const item: Record<string, unknown> = {
      parameters: [...nsParam, ...nameParam],
      get: op("get", { responses: ok(ref) }),
    };
    const list: Record<string, unknown> = {
      parameters: nsParam,
      get: op("list", {
        parameters: LIST_PARAMS,
        responses: ok({ $ref: `#/components/schemas/${name}List` }),
      }),
    };
    if (!readOnly) {
      item.put = op("put", {
        parameters: WRITE_PARAMS,
        requestBody: { content: json(ref) },
        responses: ok(ref),
      });
      item.patch = op("patch", {
        parameters: [...WRITE_PARAMS, QUERY("force", "take over fields other managers own (apply)")],
        requestBody: {
          content: {
            "application/json-patch+json": { schema: { type: "object" } },
            "application/merge-patch+json": { schema: { type: "object" } },
            "application/apply-patch+yaml": { schema: { type: "object" } },
          },
        },
        responses: ok(ref),
      });
      list.post = op("post", {
        parameters: WRITE_PARAMS,
        requestBody: { content: json(ref) },
        responses: ok(ref),
      });
      list.delete = op("deletecollection", {
        parameters: [QUERY("labelSelector", "which ones")],
        responses: ok({}),
      });
    }
    if (!readOnly || kind.refuseDelete) {
      item.delete = op("delete", { parameters: [QUERY("dryRun", "All")], responses: ok({}) });
    }
    const out: Record<string, unknown> = { [collection]: list, [`${collection}/{name}`]: item };
    if (kubeKindInfo(kind).statusSubresource) {
      out[`${collection}/{name}/status`] = {
        parameters: [...nsParam, ...nameParam],
        get: op("get", { responses: ok(ref) }),
        put: op("put", { requestBody: { content: json(ref) }, responses: ok(ref) }),
      };
    }
    return out;
  }
}
