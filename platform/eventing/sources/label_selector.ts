/**
 * Kubernetes label selectors (`matchLabels` and `matchExpressions` with In, NotIn, Exists,
 * DoesNotExist), as ApiServerSource resources and SinkBinding subjects use them. All requirements
 * must hold; an empty selector matches everything.
 */
import { z } from "zod";

const Requirement = z.looseObject({
  key: z.string().min(1, "must not be empty"),
  operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"], {
    error: 'must be one of "In", "NotIn", "Exists", "DoesNotExist"',
  }),
  values: z.array(z.string()).optional(),
}).superRefine((req, ctx) => {
  const needsValues = req.operator === "In" || req.operator === "NotIn";
  if (needsValues && !req.values?.length) {
    ctx.addIssue({
      code: "custom",
      path: ["values"],
      message: `must be non-empty for operator ${req.operator}`,
    });
  }
  if (!needsValues && req.values?.length) {
    ctx.addIssue({ code: "custom", path: ["values"], message: `must be empty for operator ${req.operator}` });
  }
});

export const LabelSelectorSchema = z.looseObject({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z.array(Requirement).optional(),
});
export type LabelSelector = z.infer<typeof LabelSelectorSchema>;

export function matchesSelector(
  selector: LabelSelector,
  labels: Record<string, string> | undefined,
): boolean {
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (have[key] !== value) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const present = Object.hasOwn(have, req.key);
    switch (req.operator) {
      case "In":
        if (!present || !req.values!.includes(have[req.key])) return false;
        break;
      case "NotIn":
        if (present && req.values!.includes(have[req.key])) return false;
        break;
      case "Exists":
        if (!present) return false;
        break;
      case "DoesNotExist":
        if (present) return false;
        break;
    }
  }
  return true;
}
