/**
 * Byte sizes as Kubernetes writes quantities: a plain integer, or a number with a binary (`Ki`,
 * `Mi`, `Gi`) or decimal (`k`, `M`, `G`) suffix. `10Mi` is 10485760.
 */
const UNITS: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
};

/** The size in bytes, or undefined when the text is not a byte size. */
export function parseByteSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(|k|M|G|Ki|Mi|Gi)$/.exec(text.trim());
  if (!m) return undefined;
  const bytes = Math.floor(Number(m[1]) * UNITS[m[2]]);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}
