/** Status conditions as kn shows them: the CONDITIONS/READY/REASON columns and the describe block. */
import type { Condition } from "../resources/meta.ts";
import { ageOf } from "./age.ts";
import { formatTable } from "./table.ts";
import { oneLine } from "./cli_error.ts";

export interface HasConditions {
  status?: { conditions?: Condition[] };
}

/** `CONDITIONS` (`2 OK / 3`), `READY` and `REASON` cells. */
export function conditionColumns(obj: HasConditions): [string, string, string] {
  const conditions = obj.status?.conditions ?? [];
  const ok = conditions.filter((c) => c.status === "True").length;
  const ready = conditions.find((c) => c.type === "Ready");
  return [`${ok} OK / ${conditions.length}`, ready?.status ?? "Unknown", ready?.reason ?? ""];
}

const SYMBOL: Record<Condition["status"], string> = { True: "++", False: "!!", Unknown: "??" };

/** The `Conditions:` block of a describe: Ready first, then the rest by type. */
export function describeConditions(obj: HasConditions, now: Date): string {
  const conditions = [...(obj.status?.conditions ?? [])].sort((a, b) =>
    a.type === "Ready" ? -1 : b.type === "Ready" ? 1 : a.type.localeCompare(b.type)
  );
  if (!conditions.length) return "Conditions:\n  (none yet)";
  const rows = conditions.map((c) => {
    const why = [c.reason, c.message && oneLine(c.message)].filter(Boolean).join(": ");
    return [SYMBOL[c.status] ?? "??", c.type, ageOf(c.lastTransitionTime, now), why];
  });
  const table = formatTable(["OK", "TYPE", "AGE", "REASON"], rows);
  return `Conditions:\n${table.split("\n").map((l) => `  ${l}`).join("\n")}`;
}
