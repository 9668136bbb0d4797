const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `parent.key`, `parent[3]` or `parent[odd-key]`, the path style of platform/resources/field_errors.ts. */
export function fieldPath(parent: string, key: string | number): string {
  if (typeof key === "number" || !IDENTIFIER.test(key)) return `${parent}[${key}]`;
  return parent === "" ? key : `${parent}.${key}`;
}
