/**
 * `Accept: application/json;as=Table;g=meta.k8s.io;v=v1`: objects as a Kubernetes `Table`, with a
 * NAME column and the kind's printer columns, the way `kubectl get` prints them.
 */
import type { KObject } from "../../resources/meta.ts";
import type { PrinterColumn } from "./kube_kinds.ts";
import { evalJsonPath, parseJsonPath } from "./json_path.ts";

export function wantsTable(accept: string | null | undefined): boolean {
  return /as=Table/.test(accept ?? "");
}

export type IncludeObject = "None" | "Metadata" | "Object";

export interface TableOptions {
  columns: PrinterColumn[];
  now: Date;
  includeObject: IncludeObject;
  resourceVersion?: string;
  /** Watch events after the first carry no column definitions. */
  withColumns?: boolean;
}

const AGE: PrinterColumn = { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" };

export function buildTable(objects: KObject[], opts: TableOptions) {
  const columns = opts.columns.length ? opts.columns : [AGE];
  const compiled = columns.map((c) => parseJsonPath(c.jsonPath));
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: opts.resourceVersion ? { resourceVersion: opts.resourceVersion } : {},
    columnDefinitions: opts.withColumns === false ? [] : [
      { name: "Name", type: "string", format: "name", description: "Name of the object", priority: 0 },
      ...columns.map((c) => ({
        name: c.name,
        type: c.type === "date" ? "date" : c.type,
        format: "",
        description: c.jsonPath,
        priority: 0,
      })),
    ],
    rows: objects.map((obj) => ({
      cells: [obj.metadata.name, ...columns.map((c, i) => cell(obj, c, compiled[i], opts.now))],
      object: rowObject(obj, opts.includeObject),
    })),
  };
}

function cell(
  obj: KObject,
  column: PrinterColumn,
  steps: ReturnType<typeof parseJsonPath>,
  now: Date,
): unknown {
  if (column.value) return column.value(obj);
  const values = evalJsonPath(obj, steps);
  if (values.length === 0 || values[0] === undefined || values[0] === null) return null;
  const value = values[0];
  if (column.type === "date") {
    const time = Date.parse(String(value));
    return Number.isNaN(time) ? String(value) : humanDuration(now.getTime() - time);
  }
  if (typeof value === "object") return JSON.stringify(value);
  if (column.type === "integer" || column.type === "number") {
    return typeof value === "number" ? value : Number(value);
  }
  return typeof value === "string" ? value : String(value);
}

function rowObject(obj: KObject, include: IncludeObject): unknown {
  if (include === "None") return undefined;
  if (include === "Object") return obj;
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata };
}

/** Kubernetes' short ages: 45s, 3m12s, 2h, 5d3h, 400d... */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  if (d < 365 * 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
}
