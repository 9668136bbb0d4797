/** Refuses a Service whose revision template has autoscaling settings the autoscaler cannot run. */
import type { FieldError } from "../resources/field_errors.ts";
import type { RevisionTemplate } from "../resources/service.ts";
import { type AutoscalerDefaults, parseAutoscalingSpec } from "./autoscaling_spec.ts";

export function autoscalingTemplateValidator(defaults: AutoscalerDefaults) {
  return (template: RevisionTemplate): FieldError[] => {
    const parsed = parseAutoscalingSpec({
      annotations: template.metadata?.annotations ?? {},
      containerConcurrency: template.spec.containerConcurrency,
    }, defaults);
    return parsed.ok ? [] : parsed.errors.map((e) => ({ path: e.field, message: e.message }));
  };
}
